namespace Meet.Modules.Media;

// The SFU's one public contract (ISSUE5 contract 1). Signaling drives it; everything behind it is internal.
public interface IMediaModule
{
    // Creates the media side of one participant: a publisher PeerConnection (client offers, server answers)
    // and a subscriber PeerConnection (server offers through the listener).
    IMediaParticipant AddParticipant(MediaParticipantRequest request, IMediaParticipantListener listener);

    MediaResourceCounts GetResourceCounts();
}

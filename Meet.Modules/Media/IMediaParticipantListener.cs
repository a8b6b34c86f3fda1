namespace Meet.Modules.Media;

// Events from the SFU to signaling. Called from the media thread: implementations must not block.
public interface IMediaParticipantListener
{
    // Forward to the client; the server keeps at most one offer outstanding at a time.
    void OnSubscriberOffer(string offerSdp);

    void OnConnectionStateChanged(MediaConnectionState state);
}

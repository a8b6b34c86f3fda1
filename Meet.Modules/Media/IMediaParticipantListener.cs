namespace Meet.Modules.Media;

// Events from the SFU to signaling. Called from the media thread: implementations must not block.
public interface IMediaParticipantListener
{
    // Forward to the client with its version; the client's answer names that version
    // (IMediaParticipant.ApplySubscriberAnswer). At most one offer is outstanding at a time; a refused or
    // unanswered offer is replaced by a newer version.
    void OnSubscriberOffer(string offerSdp, ulong version);

    void OnConnectionStateChanged(MediaConnectionState state);

    // The meeting's dominant speaker changed (SPEC "SFU behaviour": announced over signaling).
    void OnActiveSpeakerChanged(ActiveSpeakerUpdate update)
    {
    }

    // Bounded subscriber slots (Media:BoundedSlots): the slots of the subscriber PeerConnection and
    // whom each shows now, sent whenever a slot changes publisher (no renegotiation).
    void OnSlotAssignments(IReadOnlyList<MediaSlotAssignment> slots)
    {
    }

    // Dynacast (issue 11): which simulcast encodings of the track published in m-section `mid` the SFU
    // wants now; sent when one changes. The client turns the others off until they are wanted again.
    void OnPublisherLayers(string mid, IReadOnlyList<PublisherLayerState> layers)
    {
    }
}

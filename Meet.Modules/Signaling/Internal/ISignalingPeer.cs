namespace Meet.Modules.Signaling.Internal;

// The transport side of one session. Called from roster batches and the media thread: never blocks.
internal interface ISignalingPeer
{
    void SendSubscriberOffer(string sdp);

    void SendParticipantUpdates(IReadOnlyList<ParticipantUpdateMessage> updates);

    void SendError(int code, string message);

    void SendMediaReconnect(string reason);

    // The server ends the connection (heartbeat timeout, replaced by a newer connection).
    void Close();
}

namespace Meet.Modules.Signaling.Internal;

// The transport side of one session. Called from roster batches and the media thread: never blocks.
internal interface ISignalingPeer
{
    // version goes back with the answer (IMediaParticipant.ApplySubscriberAnswer).
    void SendSubscriberOffer(string sdp, long version);

    // One flush of roster changes, in version order: one message for a client that asked for batches.
    void SendParticipantUpdates(IReadOnlyList<ParticipantUpdateMessage> updates);

    void SendError(int code, string message);

    void SendMediaReconnect(string reason);

    // The participant's media moved to another node (failover, draining): the client builds new
    // PeerConnections, republishes and answers the new node's subscriber offer (issue 15).
    void SendMediaMoved(string reason) => SendMediaReconnect(reason);

    void SendActiveSpeaker(ActiveSpeakerMessage speaker);

    void SendChat(ChatMessage message);

    // Meeting-wide chat reaches this peer through its transport's meeting group (SignalR: serialised
    // once for every member, HubMeetingBroadcast), not through SendChat.
    bool ReceivesMeetingChatByGroup { get; }

    void SendMeetingState(MeetingStateMessage state);

    void SendNotice(NoticeMessage notice);

    // Bounded subscriber slots: every slot and whom it shows now.
    void SendSlotAssignments(IReadOnlyList<SlotAssignmentMessage> slots);

    // Dynacast (issue 11): the encodings of one of our published tracks the SFU wants now.
    void SendPublisherLayers(PublisherLayersMessage layers);

    // The server ends the connection (heartbeat timeout, replaced by a newer connection).
    void Close();
}

using Meet.Modules.Signaling;

namespace Meet.Modules.Client.Internal;

// What a connection reports back to MeetClient.
internal interface ISignalingEvents
{
    void OnSubscriberOffer(string sdp, long version);

    void OnParticipantUpdate(ParticipantUpdateMessage update);

    void OnError(ErrorMessage error);

    // newNode: the media moved to another node (issue 15), so new PeerConnections are needed.
    void OnMediaReconnect(string reason, bool newNode);

    void OnActiveSpeaker(ActiveSpeakerMessage speaker);

    void OnChat(ChatMessage message);

    void OnMeetingState(MeetingStateMessage state);

    void OnNotice(NoticeMessage notice);
    void OnSlotAssignments(IReadOnlyList<SlotAssignmentMessage> slots);

    // The server or the network ended the connection (not called after LeaveAsync/DisposeAsync).
    void OnClosed(ISignalingConnection connection, Exception? error);
}

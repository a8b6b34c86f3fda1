using Meet.Modules.Signaling;

namespace Meet.Modules.Client.Internal;

// What a connection reports back to MeetClient.
internal interface ISignalingEvents
{
    void OnSubscriberOffer(string sdp, long version);

    void OnParticipantUpdate(ParticipantUpdateMessage update);

    void OnError(ErrorMessage error);

    void OnMediaReconnect(string reason);

    void OnActiveSpeaker(ActiveSpeakerMessage speaker);

    void OnChat(ChatMessage message);

    void OnMeetingState(MeetingStateMessage state);

    void OnNotice(NoticeMessage notice);
    void OnSlotAssignments(IReadOnlyList<SlotAssignmentMessage> slots);

    // The server or the network ended the connection (not called after LeaveAsync/DisposeAsync).
    void OnClosed(ISignalingConnection connection, Exception? error);
}

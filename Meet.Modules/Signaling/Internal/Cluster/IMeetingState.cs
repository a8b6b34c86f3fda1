namespace Meet.Modules.Signaling.Internal.Cluster;

// Meeting-wide state beside the roster (issue 13) that every signaling node of a meeting must see the
// same (issue 15): roles a host changed, the hand-raise order, the chat history. In memory on a single
// node (InMemoryMeetingState), in Redis for a cluster (RedisMeetingState). Lives while the meeting does.
internal interface IMeetingState
{
    // The token's role unless a host changed it during the meeting (make/transfer host).
    ValueTask<string> RoleOfAsync(string meetingId, string participantId, string tokenRole);

    ValueTask SetRoleAsync(string meetingId, string participantId, string role);

    ValueTask<long> NextHandOrderAsync(string meetingId);

    // The per-participant chat allowance; kept by each node (a participant talks to one node at a time).
    bool TryTakeChatToken(string meetingId, string participantId);

    // Assigns the message's id and time and keeps it for late joiners.
    ValueTask<ChatMessage> RecordChatAsync(string meetingId, string fromId, string fromName, string? toId, string text);

    // Meeting-wide messages and the direct messages to or from the participant, oldest first.
    ValueTask<IReadOnlyList<ChatMessage>> ChatHistoryForAsync(string meetingId, string participantId);

    // Meetings this node keeps state for (the heartbeat monitor checks them for an end).
    IReadOnlyCollection<string> MeetingIds { get; }

    // The meeting ended: its state goes.
    void Forget(string meetingId);
}

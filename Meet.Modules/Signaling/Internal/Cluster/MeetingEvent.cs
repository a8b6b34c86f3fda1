namespace Meet.Modules.Signaling.Internal.Cluster;

// What one signaling node tells the others about a meeting (issue 15). Each node delivers an event to
// the members it holds, over their own transport (SignalR or gRPC): one fan-out path for both.
//   Roster: Update changed Update.ParticipantId, who is on OriginNode (a LEFT: who left that node).
//   Chat: Chat was sent (meeting-wide, or a direct message for Chat.ToParticipantId).
//   MeetingState: the host locked or unlocked the meeting (Locked).
//   Host: a host action for a participant another node holds (Action, TargetId; null = mute_all).
//   Ended: the meeting ended; every node closes the sessions it holds.
internal sealed record MeetingEvent(MeetingEventKind Kind, string MeetingId, string OriginNode)
{
    public ParticipantUpdateMessage? Update { get; init; }

    public ChatMessage? Chat { get; init; }

    public bool Locked { get; init; }

    public string? Action { get; init; }

    public string? TargetId { get; init; }

    public string? CallerId { get; init; }

    public string? CallerName { get; init; }

    public string? Role { get; init; }

    // When the origin published it (Unix ms), for the cross-node delivery measurement.
    public long SentAtMs { get; init; }
}

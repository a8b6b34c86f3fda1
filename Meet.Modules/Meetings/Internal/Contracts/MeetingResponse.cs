namespace Meet.Modules.Meetings.Internal.Contracts;

internal sealed record MeetingResponse(
    string MeetingId,
    string HostId,
    string MeetingTitle,
    string Status,
    bool AllowGuestJoin,
    bool DefaultMuted,
    string JoinUrl,
    DateTime CreatedAt,
    DateTime? EndedAt,
    int MaxParticipantsCount,
    string AudioMode,
    bool E2ee);

namespace Meet.Modules.Storage;

public sealed record MeetingSession(
    string MeetingId,
    string Title,
    string HostUserId,
    bool AllowGuestJoin,
    bool DefaultMuted,
    MeetingStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EndedAt,
    int MaxParticipantsCount);

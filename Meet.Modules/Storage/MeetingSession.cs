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
    int MaxParticipantsCount,
    // Forward or mix the meeting's audio (issue 17), fixed at creation.
    Media.AudioMode AudioMode = Media.AudioMode.Forward);

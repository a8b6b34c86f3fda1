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
    Media.AudioMode AudioMode = Media.AudioMode.Forward,
    // Opt-in end-to-end encryption (issue 16): the clients encrypt frames with a key the server never
    // sees; the server only stores the flag so every participant's page knows to encrypt.
    bool EndToEndEncrypted = false);

using Meet.Modules.Storage;

namespace Meet.Modules.Meetings;

public sealed record MeetingToken(string MeetingId, string UserId, ParticipantRole Role, Guid? ParticipantId, DateTimeOffset ExpiresAt);

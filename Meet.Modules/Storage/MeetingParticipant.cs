namespace Meet.Modules.Storage;

public sealed record MeetingParticipant(
    Guid ParticipantId,
    string MeetingId,
    string UserId,
    string? DisplayName,
    ParticipantRole Role,
    ParticipantConnectionStatus ConnectionStatus,
    Guid AssignedMediaServerId,
    DateTimeOffset JoinTime);

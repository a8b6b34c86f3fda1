namespace Meet.Modules.Meetings.Internal.Contracts;

internal sealed record ParticipantResponse(
    Guid ParticipantId,
    string UserId,
    string? DisplayName,
    string Role,
    string ConnectionStatus,
    Guid MediaServerId,
    DateTime JoinTime);

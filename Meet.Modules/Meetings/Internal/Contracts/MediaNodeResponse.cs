namespace Meet.Modules.Meetings.Internal.Contracts;

internal sealed record MediaNodeResponse(Guid ServerId, string Address, string Region);

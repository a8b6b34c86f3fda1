namespace Meet.Modules.Meetings.Internal.Contracts;

// All optional. Identity comes from the Authorization header (this meeting's token, or the external
// issuer's) or from an invitation; otherwise the join is a guest's. userId is accepted for
// compatibility with the seed's payload but grants nothing (it is not the participant's identity).
internal sealed record JoinMeetingRequest(string? UserId, string? DisplayName, string? Region, string? Invitation);

namespace Meet.Modules.Meetings.Internal.Contracts;

// All optional: no userId joins as a guest (when the meeting allows guests); a host token in the
// Authorization header joins as the host.
internal sealed record JoinMeetingRequest(string? UserId, string? DisplayName, string? Region);

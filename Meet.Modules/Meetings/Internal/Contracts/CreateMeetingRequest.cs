namespace Meet.Modules.Meetings.Internal.Contracts;

// Documents the body for OpenAPI; the endpoint reads fields itself (see JsonBody).
internal sealed record CreateMeetingRequest(string HostId, string MeetingTitle, bool AllowGuestJoin, bool DefaultMuted, string? AudioMode = null, bool E2ee = false);

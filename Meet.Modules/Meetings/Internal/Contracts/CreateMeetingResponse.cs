namespace Meet.Modules.Meetings.Internal.Contracts;

// The seed's response payload, field for field.
internal sealed record CreateMeetingResponse(string MeetingId, string HostId, string JoinUrl, string AccessToken, DateTime CreatedAt);

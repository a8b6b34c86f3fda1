namespace Meet.Modules.Meetings.Internal.Contracts;

// The seed's response payload, field for field, plus the meeting's audio mode (issue 17).
internal sealed record CreateMeetingResponse(string MeetingId, string HostId, string JoinUrl, string AccessToken, DateTime CreatedAt, string AudioMode);

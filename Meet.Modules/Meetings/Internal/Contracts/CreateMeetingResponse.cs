namespace Meet.Modules.Meetings.Internal.Contracts;

// The seed's response payload, field for field (GET /v1/meetings/{id} adds the audio mode).
internal sealed record CreateMeetingResponse(string MeetingId, string HostId, string JoinUrl, string AccessToken, DateTime CreatedAt);

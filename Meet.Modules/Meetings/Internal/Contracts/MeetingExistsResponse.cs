namespace Meet.Modules.Meetings.Internal.Contracts;

// GET /v1/meetings/{id} without a token: that the meeting exists and is live, nothing more.
internal sealed record MeetingExistsResponse(string MeetingId, string Status);

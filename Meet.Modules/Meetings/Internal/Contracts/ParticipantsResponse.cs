namespace Meet.Modules.Meetings.Internal.Contracts;

internal sealed record ParticipantsResponse(string MeetingId, IReadOnlyList<ParticipantResponse> Participants);

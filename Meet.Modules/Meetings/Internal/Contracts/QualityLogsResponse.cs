namespace Meet.Modules.Meetings.Internal.Contracts;

// nextBefore: pass as ?before= for the next (older) page; null on the last page.
internal sealed record QualityLogsResponse(string MeetingId, IReadOnlyList<QualityLogResponse> Logs, long? NextBefore);

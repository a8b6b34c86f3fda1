namespace Meet.Modules.Storage;

public interface IMeetingRepository
{
    // False when the id is already taken (the caller picks another id).
    Task<bool> TryCreateAsync(MeetingSession meeting, CancellationToken cancellationToken);

    Task<MeetingSession?> FindAsync(string meetingId, CancellationToken cancellationToken);

    // Of these meetings, the ones that are ended or unknown: one read for every meeting a node holds.
    Task<IReadOnlyCollection<string>> FindEndedAsync(IReadOnlyCollection<string> meetingIds, CancellationToken cancellationToken);

    // False when the meeting is missing or already ended.
    Task<bool> TryEndAsync(string meetingId, DateTimeOffset endedAt, CancellationToken cancellationToken);
}

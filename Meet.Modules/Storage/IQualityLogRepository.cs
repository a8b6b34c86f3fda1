namespace Meet.Modules.Storage;

public interface IQualityLogRepository
{
    // One round trip (one transaction) for the whole batch: written off the packet path, in batches.
    Task AddAsync(IReadOnlyList<ParticipantQualityLog> logs, CancellationToken cancellationToken);

    // Newest first; beforeLogId pages backwards (the LogId of the last row of the previous page).
    Task<IReadOnlyList<ParticipantQualityLog>> ListAsync(string meetingId, long? beforeLogId, int limit, CancellationToken cancellationToken);
}

namespace Meet.Modules.Storage;

public interface IParticipantRepository
{
    // Inserts the participant and raises the meeting's max_participants_count (the peak of
    // participants not DISCONNECTED) in one transaction
    // that holds the meeting row, so concurrent joins never lose an update.
    Task<ParticipantAdmission> AdmitAsync(MeetingParticipant participant, CancellationToken cancellationToken);

    Task<IReadOnlyList<MeetingParticipant>> ListAsync(string meetingId, CancellationToken cancellationToken);

    Task<MeetingParticipant?> FindAsync(Guid participantId, CancellationToken cancellationToken);

    // CONNECTED participants assigned to the media node (the seed's idx_participants_server).
    Task<IReadOnlyList<MeetingParticipant>> ListConnectedOnServerAsync(Guid mediaServerId, CancellationToken cancellationToken);

    // The ONLINE, fresh media node the meeting's live participants use (never excludedServerId), if any.
    Task<Guid?> FindMeetingMediaServerAsync(string meetingId, DateTimeOffset heartbeatSince, Guid? excludedServerId, CancellationToken cancellationToken);

    // Failover: the participants now belong to another media node. Returns how many rows changed.
    Task<int> ReassignAsync(IReadOnlyCollection<Guid> participantIds, Guid mediaServerId, CancellationToken cancellationToken);

    Task<int> CountConnectedAsync(Guid mediaServerId, CancellationToken cancellationToken);

    // Signaling marks a participant CONNECTED when its session opens and DISCONNECTED when it ends;
    // last_ping_at records the change. False when no such participant exists.
    Task<bool> SetConnectionStatusAsync(Guid participantId, ParticipantConnectionStatus status, DateTimeOffset at, CancellationToken cancellationToken);
}

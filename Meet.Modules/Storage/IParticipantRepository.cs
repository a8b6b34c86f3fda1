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

    // Failover's compare-and-set on a meeting's media node. Two movers (two signaling nodes, or a crash
    // and a drain) may each have chosen a different candidate; holding the meeting row, the first one
    // reassigns the meeting's participants on the node being left (and the claim's participants) to its
    // candidate, and every later one finds them on that ONLINE, fresh node and takes it instead of its
    // own. Returns the node the meeting now uses, so every mover sends MEDIA_RECONNECT with one node.
    Task<Guid> ClaimMeetingMoveAsync(MeetingMoveClaim claim, CancellationToken cancellationToken);

    Task<int> CountConnectedAsync(Guid mediaServerId, CancellationToken cancellationToken);

    // Signaling marks a participant CONNECTED when its session opens and DISCONNECTED when it ends;
    // last_ping_at records the change. False when no such participant exists.
    Task<bool> SetConnectionStatusAsync(Guid participantId, ParticipantConnectionStatus status, DateTimeOffset at, CancellationToken cancellationToken);
}

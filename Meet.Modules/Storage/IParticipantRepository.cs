namespace Meet.Modules.Storage;

public interface IParticipantRepository
{
    // Inserts the participant and raises the meeting's max_participants_count (the peak of
    // participants not DISCONNECTED) in one transaction
    // that holds the meeting row, so concurrent joins never lose an update.
    Task<ParticipantAdmission> AdmitAsync(MeetingParticipant participant, CancellationToken cancellationToken);

    Task<IReadOnlyList<MeetingParticipant>> ListAsync(string meetingId, CancellationToken cancellationToken);

    Task<int> CountConnectedAsync(Guid mediaServerId, CancellationToken cancellationToken);

    // Signaling marks a participant CONNECTED when its session opens and DISCONNECTED when it ends;
    // last_ping_at records the change. False when no such participant exists.
    Task<bool> SetConnectionStatusAsync(Guid participantId, ParticipantConnectionStatus status, DateTimeOffset at, CancellationToken cancellationToken);
}

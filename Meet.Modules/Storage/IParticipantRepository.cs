namespace Meet.Modules.Storage;

public interface IParticipantRepository
{
    // Inserts the participant and raises the meeting's max_participants_count (the peak of
    // participants not DISCONNECTED) in one transaction
    // that holds the meeting row, so concurrent joins never lose an update.
    Task<ParticipantAdmission> AdmitAsync(MeetingParticipant participant, CancellationToken cancellationToken);

    Task<IReadOnlyList<MeetingParticipant>> ListAsync(string meetingId, CancellationToken cancellationToken);

    Task<int> CountConnectedAsync(Guid mediaServerId, CancellationToken cancellationToken);
}

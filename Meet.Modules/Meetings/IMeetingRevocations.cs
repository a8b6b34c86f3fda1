namespace Meet.Modules.Meetings;

// The revocation list of every meeting: a removed participant's tokens stop working on every REST call
// and every signaling connect (token validation consults it), and its live session is closed.
public interface IMeetingRevocations
{
    // Raised after a revocation, so signaling can close the participant's open session.
    event Action<string, Guid>? ParticipantRevoked;

    void RevokeParticipant(string meetingId, Guid participantId);

    bool IsRevoked(string meetingId, Guid participantId);
}

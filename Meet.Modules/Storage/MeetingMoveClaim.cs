namespace Meet.Modules.Storage;

// One mover's wish to move a meeting's media off a dead or draining node (IParticipantRepository.ClaimMeetingMoveAsync).
// Candidate is the node this mover allocated; another node counts as the meeting's only when it heartbeated since HeartbeatSince.
public sealed record MeetingMoveClaim(
    string MeetingId,
    Guid LeavingServerId,
    Guid CandidateServerId,
    IReadOnlyCollection<Guid> ParticipantIds,
    DateTimeOffset HeartbeatSince);

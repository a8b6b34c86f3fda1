using Meet.Modules.Storage;

namespace Meet.Modules.Meetings;

// Access tokens scoped to one meeting and one role; signaling validates them the same way.
public interface IMeetingTokens
{
    IssuedMeetingToken Issue(string meetingId, string userId, ParticipantRole role, Guid? participantId);

    // Null for anything not signed by this deployment, expired or malformed.
    Task<MeetingToken?> ValidateAsync(string token);
}

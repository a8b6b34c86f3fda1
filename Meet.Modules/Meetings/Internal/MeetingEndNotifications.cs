namespace Meet.Modules.Meetings.Internal;

internal sealed class MeetingEndNotifications : IMeetingEndNotifications
{
    public event Action<string>? MeetingEnded;

    // Raised after the meeting row is ENDED, so a join that reads storage from now on is refused.
    public void Ended(string meetingId) => MeetingEnded?.Invoke(meetingId);
}

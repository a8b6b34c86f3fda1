namespace Meet.Modules.Meetings;

// Meetings this process ended through the REST API. Signaling closes their sessions at once instead of
// polling storage for the end (its own `end` command closes them itself).
public interface IMeetingEndNotifications
{
    event Action<string>? MeetingEnded;
}

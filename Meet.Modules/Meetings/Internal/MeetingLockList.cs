using System.Collections.Concurrent;

namespace Meet.Modules.Meetings.Internal;

// In memory on this node, like the revocation list: several signaling nodes (issue 15) need it shared.
internal sealed class MeetingLockList : IMeetingLocks
{
    private readonly ConcurrentDictionary<string, byte> locked = new(StringComparer.Ordinal);

    public void SetLocked(string meetingId, bool isLocked)
    {
        if (isLocked)
            locked[meetingId] = 0;
        else
            locked.TryRemove(meetingId, out _);
    }

    public bool IsLocked(string meetingId) => locked.ContainsKey(meetingId);
}

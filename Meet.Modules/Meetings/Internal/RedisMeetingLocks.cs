using System.Collections.Concurrent;
using Meet.Modules.Storage;
using StackExchange.Redis;

namespace Meet.Modules.Meetings.Internal;

// Meeting locks shared by every signaling node through Redis (issue 15): the host locks on one node and
// a join through any node's REST API is refused. This node remembers what it last saw, which answers
// while Redis is unreachable (the error is counted) and is written back when Redis returns.
internal sealed class RedisMeetingLocks : IMeetingLocks
{
    // A lock outlives no meeting by much; the key expires rather than relying on an unlock.
    private static readonly TimeSpan LockLifetime = TimeSpan.FromDays(1);

    private readonly IRedisConnection redis;
    private readonly ConcurrentDictionary<string, bool> known = new(StringComparer.Ordinal);

    public RedisMeetingLocks(IRedisConnection redis)
    {
        this.redis = redis;
        redis.Restored += WriteBack;
    }

    private RedisKey KeyOf(string meetingId) => redis.Key("lock:" + meetingId);

    public void SetLocked(string meetingId, bool locked)
    {
        known[meetingId] = locked;
        try
        {
            var database = redis.Multiplexer.GetDatabase();
            if (locked)
                database.StringSet(KeyOf(meetingId), 1, LockLifetime);
            else
                database.KeyDelete(KeyOf(meetingId));
        }
        catch (RedisException ex)
        {
            redis.CountError("lock.set", ex);
        }
    }

    public bool IsLocked(string meetingId)
    {
        try
        {
            var locked = redis.Multiplexer.GetDatabase().KeyExists(KeyOf(meetingId));
            known[meetingId] = locked;
            return locked;
        }
        catch (RedisException ex)
        {
            redis.CountError("lock.read", ex);
            return known.TryGetValue(meetingId, out var locked) && locked;
        }
    }

    private void WriteBack()
    {
        foreach (var (meetingId, locked) in known)
            if (locked)
                SetLocked(meetingId, locked: true);
    }
}

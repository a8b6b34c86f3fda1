using Meet.Modules.Storage;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Meet.Modules.Meetings.Internal;

// The revocation list shared by every signaling node through Redis (issue 15): one key per removed
// participant, expiring with the tokens it blocks, and a channel that tells every node, whose
// RevocationEnforcer closes the session it holds. The node's own list (MeetingRevocationList) keeps
// answering while Redis is unreachable and is written back when it returns, so a Redis restart does
// not let a removed participant back in through this node.
internal sealed class RedisMeetingRevocations(MeetingRevocationList local, IRedisConnection redis, TimeProvider clock) : IMeetingRevocations, IHostedService
{
    private const string ChannelName = "revoked";
    private readonly string origin = Guid.NewGuid().ToString("N");

    public event Action<string, Guid>? ParticipantRevoked
    {
        add => local.ParticipantRevoked += value;
        remove => local.ParticipantRevoked -= value;
    }

    private RedisKey KeyOf(string meetingId, Guid participantId) => redis.Key($"revoked:{meetingId}:{participantId:N}");

    public void RevokeParticipant(string meetingId, Guid participantId)
    {
        local.RevokeParticipant(meetingId, participantId);
        try
        {
            var database = redis.Multiplexer.GetDatabase();
            Write(database, meetingId, participantId, Until(meetingId, participantId));
            database.Publish(redis.Channel(ChannelName), $"{origin}|{participantId:N}|{meetingId}");
        }
        catch (RedisException ex)
        {
            redis.CountError("revocation.set", ex);
        }
    }

    public bool IsRevoked(string meetingId, Guid participantId)
    {
        if (local.IsRevoked(meetingId, participantId))
            return true;
        try
        {
            return redis.Multiplexer.GetDatabase().KeyExists(KeyOf(meetingId, participantId));
        }
        catch (RedisException ex)
        {
            redis.CountError("revocation.read", ex);
            return false;
        }
    }

    private DateTimeOffset Until(string meetingId, Guid participantId) =>
        local.Entries.Where(e => e.MeetingId == meetingId && e.ParticipantId == participantId).Select(e => e.Until).DefaultIfEmpty(clock.GetUtcNow()).Max();

    private void Write(IDatabase database, string meetingId, Guid participantId, DateTimeOffset until)
    {
        var left = until - clock.GetUtcNow();
        if (left > TimeSpan.Zero)
            database.StringSet(KeyOf(meetingId, participantId), 1, left);
    }

    // Another node revoked: raise the event here too (its enforcer closes the sessions this node holds).
    private void OnMessage(RedisChannel channel, RedisValue value)
    {
        var parts = ((string?)value ?? "").Split('|', 3);
        if (parts.Length != 3 || parts[0] == origin || !Guid.TryParseExact(parts[1], "N", out var participantId))
            return;
        local.RevokeParticipant(parts[2], participantId);
    }

    private void WriteBack()
    {
        try
        {
            var database = redis.Multiplexer.GetDatabase();
            foreach (var (meetingId, participantId, until) in local.Entries)
                Write(database, meetingId, participantId, until);
        }
        catch (RedisException ex)
        {
            redis.CountError("revocation.restore", ex);
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var multiplexer = await redis.Connected.ConfigureAwait(false);
        await multiplexer.GetSubscriber().SubscribeAsync(redis.Channel(ChannelName), OnMessage).ConfigureAwait(false);
        redis.Restored += WriteBack;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        redis.Restored -= WriteBack;
        return Task.CompletedTask;
    }
}

using System.Text.Json;
using Meet.Modules.Storage;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Meet.Modules.Signaling.Internal.Cluster;

// The meeting state of a cluster (issue 15), in Redis: a hash of roles, a hand-order counter, a chat-id
// counter and a capped list of the chat history per meeting, all expiring a day after their last write.
// When Redis cannot be reached the error is counted and this node's own copy answers (InMemoryMeetingState,
// which every write also updates): the meeting goes on, node by node, until Redis returns.
internal sealed class RedisMeetingState(IRedisConnection redis, InMemoryMeetingState local, IOptions<SignalingOptions> options) : IMeetingState
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);

    private IDatabase Database => redis.Multiplexer.GetDatabase();

    private RedisKey Key(string meetingId, string part) => redis.Key($"meeting:{meetingId}:{part}");

    public async ValueTask<string> RoleOfAsync(string meetingId, string participantId, string tokenRole)
    {
        try
        {
            var role = await Database.HashGetAsync(Key(meetingId, "roles"), participantId).ConfigureAwait(false);
            return role.HasValue ? role.ToString() : tokenRole;
        }
        catch (RedisException ex)
        {
            redis.CountError("state.role.read", ex);
            return await local.RoleOfAsync(meetingId, participantId, tokenRole).ConfigureAwait(false);
        }
    }

    public async ValueTask SetRoleAsync(string meetingId, string participantId, string role)
    {
        await local.SetRoleAsync(meetingId, participantId, role).ConfigureAwait(false);
        try
        {
            var key = Key(meetingId, "roles");
            var batch = Database.CreateBatch();
            var set = batch.HashSetAsync(key, participantId, role);
            var expire = batch.KeyExpireAsync(key, Lifetime);
            batch.Execute();
            await Task.WhenAll(set, expire).ConfigureAwait(false);
        }
        catch (RedisException ex)
        {
            redis.CountError("state.role.set", ex);
        }
    }

    public async ValueTask<long> NextHandOrderAsync(string meetingId)
    {
        try
        {
            return await IncrementAsync(Key(meetingId, "hands")).ConfigureAwait(false);
        }
        catch (RedisException ex)
        {
            redis.CountError("state.hand", ex);
            return await local.NextHandOrderAsync(meetingId).ConfigureAwait(false);
        }
    }

    private async Task<long> IncrementAsync(RedisKey key)
    {
        var batch = Database.CreateBatch();
        var next = batch.StringIncrementAsync(key);
        var expire = batch.KeyExpireAsync(key, Lifetime);
        batch.Execute();
        await expire.ConfigureAwait(false);
        return await next.ConfigureAwait(false);
    }

    public bool TryTakeChatToken(string meetingId, string participantId) => local.TryTakeChatToken(meetingId, participantId);

    public async ValueTask<ChatMessage> RecordChatAsync(string meetingId, string fromId, string fromName, string? toId, string text)
    {
        // The local copy keeps the history this node can answer with while Redis is away.
        var recorded = await local.RecordChatAsync(meetingId, fromId, fromName, toId, text).ConfigureAwait(false);
        try
        {
            var message = recorded with { Id = $"c{await IncrementAsync(Key(meetingId, "chat-seq")).ConfigureAwait(false)}" };
            var key = Key(meetingId, "chat");
            var batch = Database.CreateBatch();
            var push = batch.ListRightPushAsync(key, JsonSerializer.Serialize(message));
            var trim = batch.ListTrimAsync(key, -options.Value.ChatHistoryLength, -1);
            var expire = batch.KeyExpireAsync(key, Lifetime);
            batch.Execute();
            await Task.WhenAll(push, trim, expire).ConfigureAwait(false);
            return message;
        }
        catch (RedisException ex)
        {
            redis.CountError("state.chat.record", ex);
            // Ids from the local sequence could repeat the cluster's; "l" keeps them apart.
            return recorded with { Id = "l" + recorded.Id };
        }
    }

    public async ValueTask<IReadOnlyList<ChatMessage>> ChatHistoryForAsync(string meetingId, string participantId)
    {
        try
        {
            var stored = await Database.ListRangeAsync(Key(meetingId, "chat")).ConfigureAwait(false);
            var history = new List<ChatMessage>(stored.Length);
            foreach (var value in stored)
            {
                // A malformed entry (another version, a hand edit) is skipped, not fatal.
                ChatMessage? message;
                try
                {
                    message = JsonSerializer.Deserialize<ChatMessage>(value.ToString());
                }
                catch (JsonException)
                {
                    continue;
                }
                if (message is not null && (message.ToParticipantId is null || message.ToParticipantId == participantId || message.FromParticipantId == participantId))
                    history.Add(message);
            }
            return history;
        }
        catch (RedisException ex)
        {
            redis.CountError("state.chat.read", ex);
            return await local.ChatHistoryForAsync(meetingId, participantId).ConfigureAwait(false);
        }
    }

    public IReadOnlyCollection<string> MeetingIds => local.MeetingIds;

    public void Forget(string meetingId)
    {
        local.Forget(meetingId);
        try
        {
            Database.KeyDelete([Key(meetingId, "roles"), Key(meetingId, "hands"), Key(meetingId, "chat"), Key(meetingId, "chat-seq")], CommandFlags.FireAndForget);
        }
        catch (RedisException ex)
        {
            redis.CountError("state.forget", ex);
        }
    }
}

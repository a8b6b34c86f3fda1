using System.Text.Json;
using Meet.Modules.Storage;
using StackExchange.Redis;

namespace Meet.Modules.Signaling.Internal.Cluster;

// The session map of a cluster: a Redis hash per meeting, field = participant id, value = the serving
// node's id (32 hex characters), a space, then the entry as JSON. Ownership checks run as Lua scripts so
// that a node which lost a participant to another node can never overwrite or delete the new owner's
// entry. Each signaling node beats a key of its own that expires after its ttl: its entries outlive a
// crash only as long as the others take to notice (ClusterRosterSync).
internal sealed class RedisSessionMap(IRedisConnection redis) : ISessionMap
{
    private const int NodeIdLength = 32;
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);

    // ARGV: participant id, owner node id, value. Writes only over an entry that node owns.
    private const string UpdateIfOwned = """
        local current = redis.call('HGET', KEYS[1], ARGV[1])
        if current and string.sub(current, 1, 32) == ARGV[2] then
          redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
          return 1
        end
        return 0
        """;

    // ARGV: participant id, owner node id. Deletes only what that node owns.
    private const string ReleaseIfOwned = """
        local current = redis.call('HGET', KEYS[1], ARGV[1])
        if current and string.sub(current, 1, 32) == ARGV[2] then
          redis.call('HDEL', KEYS[1], ARGV[1])
          return 1
        end
        return 0
        """;

    private IDatabase Database => redis.Multiplexer.GetDatabase();

    private RedisKey KeyOf(string meetingId) => redis.Key($"meeting:{meetingId}:sessions");

    private RedisKey NodeKey(string nodeId) => redis.Key($"node:{nodeId}");

    private static string Serialize(SessionMapEntry entry) => entry.SignalingNodeId + " " + JsonSerializer.Serialize(entry);

    public async Task ClaimAsync(string meetingId, SessionMapEntry entry)
    {
        try
        {
            var key = KeyOf(meetingId);
            var batch = Database.CreateBatch();
            var set = batch.HashSetAsync(key, entry.Info.ParticipantId, Serialize(entry));
            var expire = batch.KeyExpireAsync(key, Lifetime);
            batch.Execute();
            await Task.WhenAll(set, expire).ConfigureAwait(false);
        }
        catch (RedisException ex)
        {
            redis.CountError("sessions.claim", ex);
        }
    }

    public void Update(string meetingId, SessionMapEntry entry)
    {
        try
        {
            _ = Database.ScriptEvaluateAsync(UpdateIfOwned, [KeyOf(meetingId)], [entry.Info.ParticipantId, entry.SignalingNodeId, Serialize(entry)])
                .ContinueWith(t => redis.CountError("sessions.update", t.Exception!.GetBaseException()), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        catch (RedisException ex)
        {
            redis.CountError("sessions.update", ex);
        }
    }

    public async Task<bool> ReleaseAsync(string meetingId, string participantId, string nodeId)
    {
        try
        {
            return (int)await Database.ScriptEvaluateAsync(ReleaseIfOwned, [KeyOf(meetingId)], [participantId, nodeId]).ConfigureAwait(false) == 1;
        }
        catch (RedisException ex)
        {
            redis.CountError("sessions.release", ex);
            return false;
        }
    }

    public async Task<IReadOnlyDictionary<string, SessionMapEntry>?> ReadAsync(string meetingId)
    {
        HashEntry[] fields;
        try
        {
            fields = await Database.HashGetAllAsync(KeyOf(meetingId)).ConfigureAwait(false);
        }
        catch (RedisException ex)
        {
            redis.CountError("sessions.read", ex);
            return null;
        }
        var entries = new Dictionary<string, SessionMapEntry>(fields.Length, StringComparer.Ordinal);
        foreach (var field in fields)
        {
            var value = field.Value.ToString();
            if (value.Length <= NodeIdLength + 1)
                continue;
            try
            {
                if (JsonSerializer.Deserialize<SessionMapEntry>(value.AsSpan(NodeIdLength + 1)) is { Info: not null } entry && entry.Info.ParticipantId == field.Name)
                    entries[entry.Info.ParticipantId] = entry;
            }
            catch (JsonException)
            {
                // Another version's entry or a hand edit: not a participant this node can show.
            }
        }
        return entries;
    }

    public async Task BeatAsync(string nodeId, TimeSpan ttl)
    {
        try
        {
            await Database.StringSetAsync(NodeKey(nodeId), 1, ttl).ConfigureAwait(false);
        }
        catch (RedisException ex)
        {
            redis.CountError("nodes.beat", ex);
        }
    }

    public async Task<IReadOnlySet<string>?> LiveNodesAsync(IReadOnlyCollection<string> nodeIds)
    {
        try
        {
            var ids = nodeIds.ToArray();
            var batch = Database.CreateBatch();
            var checks = ids.Select(id => batch.KeyExistsAsync(NodeKey(id))).ToArray();
            batch.Execute();
            var alive = await Task.WhenAll(checks).ConfigureAwait(false);
            return ids.Where((_, i) => alive[i]).ToHashSet(StringComparer.Ordinal);
        }
        catch (RedisException ex)
        {
            redis.CountError("nodes.read", ex);
            return null;
        }
    }
}

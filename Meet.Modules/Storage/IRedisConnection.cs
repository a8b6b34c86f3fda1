using StackExchange.Redis;

namespace Meet.Modules.Storage;

// The one Redis connection of this node (registered only when Redis:Configuration is set). Callers
// never let a Redis failure out: they count it here (meet.redis.errors) and fall back to what this node
// knows; StackExchange.Redis reconnects by itself and Restored tells them to write their state back.
public interface IRedisConnection
{
    IConnectionMultiplexer Multiplexer { get; }

    // Completes once start-up has connected (for users built before that, like the SignalR backplane).
    Task<IConnectionMultiplexer> Connected { get; }

    // Redis:KeyPrefix + name.
    RedisKey Key(string name);

    RedisChannel Channel(string name);

    // Operations that failed because Redis could not be reached, since start.
    long Errors { get; }

    void CountError(string operation, Exception exception);

    // Raised (on a StackExchange.Redis thread) when the connection came back after a loss.
    event Action? Restored;
}

using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Meet.Modules.Storage.Internal;

// Connected at start-up by RedisStartup (a Redis that cannot be reached then is a configuration error);
// after that StackExchange.Redis reconnects on its own and every failure is counted, never thrown.
internal sealed partial class RedisConnection : IRedisConnection, IDisposable
{
    public const string MeterName = "Meet.Redis";

    private readonly RedisOptions options;
    private readonly ILogger<RedisConnection> logger;
    private readonly Counter<long> errors;
    private readonly Counter<long> restorations;
    private readonly TaskCompletionSource<IConnectionMultiplexer> connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ConnectionMultiplexer? multiplexer;
    private long errorCount;

    public RedisConnection(IOptions<RedisOptions> options, IMeterFactory meters, ILogger<RedisConnection> logger)
    {
        this.options = options.Value;
        this.logger = logger;
        var meter = meters.Create(MeterName);
        errors = meter.CreateCounter<long>("meet.redis.errors", description: "Redis operations that failed (the node fell back to its own state), by operation");
        restorations = meter.CreateCounter<long>("meet.redis.restorations", description: "Times the Redis connection came back after a loss");
    }

    public IConnectionMultiplexer Multiplexer => multiplexer ?? throw new InvalidOperationException("Redis is not connected yet");

    // For users built before start-up has connected (the SignalR backplane's connection factory).
    public Task<IConnectionMultiplexer> Connected => connected.Task;

    public long Errors => Interlocked.Read(ref errorCount);

    public event Action? Restored;

    public RedisKey Key(string name) => new(options.KeyPrefix + name);

    public RedisChannel Channel(string name) => RedisChannel.Literal(options.KeyPrefix + name);

    public async Task ConnectAsync()
    {
        if (multiplexer is not null)
            return;
        ConfigurationOptions configuration;
        try
        {
            configuration = ConfigurationOptions.Parse(options.Configuration);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"Redis:Configuration is not a valid StackExchange.Redis configuration string: {ex.Message}", ex);
        }
        configuration.AbortOnConnectFail = true;
        configuration.ConnectTimeout = (int)options.ConnectTimeout.TotalMilliseconds;
        configuration.ConnectRetry = 1;
        configuration.ClientName ??= "meet";
        // While Redis is away a command fails at once (and the caller falls back to this node's state)
        // instead of waiting in a backlog: a chat message must not take seconds because Redis is gone.
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.AsyncTimeout = Math.Min(configuration.AsyncTimeout, 2000);
        configuration.SyncTimeout = Math.Min(configuration.SyncTimeout, 2000);
        try
        {
            multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        }
        catch (RedisConnectionException ex)
        {
            var failure = new InvalidOperationException(
                $"Redis:Configuration: could not connect to Redis at {string.Join(", ", configuration.EndPoints)} within {options.ConnectTimeout.TotalSeconds:0.#} s ({ex.Message}). Start Redis or clear Redis:Configuration to run a single node without it.", ex);
            connected.TrySetException(failure);
            throw failure;
        }
        connected.TrySetResult(multiplexer);
        multiplexer.ConnectionFailed += (_, e) => LogLost(e.EndPoint?.ToString() ?? "?", e.FailureType.ToString());
        multiplexer.ConnectionRestored += (_, e) =>
        {
            // Interactive and subscription connections each report; the state is written back once per loss.
            if (e.ConnectionType != ConnectionType.Interactive)
                return;
            restorations.Add(1);
            LogRestored(e.EndPoint?.ToString() ?? "?");
            Restored?.Invoke();
        };
    }

    public void CountError(string operation, Exception exception)
    {
        Interlocked.Increment(ref errorCount);
        errors.Add(1, new KeyValuePair<string, object?>("operation", operation));
        LogFailed(operation, exception.GetType().Name, exception.Message);
    }

    public void Dispose() => multiplexer?.Dispose();

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Redis connection to {EndPoint} lost ({Failure}); shared state falls back to this node until it returns")]
    private partial void LogLost(string endPoint, string failure);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Redis connection to {EndPoint} restored")]
    private partial void LogRestored(string endPoint);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "Redis {Operation} failed: {Kind}: {Message}")]
    private partial void LogFailed(string operation, string kind, string message);
}

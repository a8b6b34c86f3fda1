namespace Meet.Modules.Storage;

// Redis is the shared state of a cluster of signaling nodes (issue 15): the SignalR backplane, the live
// session map, chat history, roles, meeting locks and revocations, and the meeting event fan-out. Empty
// Configuration (the default) keeps all of it in-process: a single node needs no Redis.
public sealed class RedisOptions
{
    public const string SectionName = "Redis";

    // A StackExchange.Redis configuration string, e.g. "127.0.0.1:6379" or "redis1:6379,password=...".
    public string Configuration { get; set; } = "";

    // Every key and channel starts with this, so several deployments can share one Redis.
    public string KeyPrefix { get; set; } = "meet:";

    // How long start-up waits for Redis before it fails naming Redis:Configuration.
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public bool Enabled => !string.IsNullOrWhiteSpace(Configuration);
}

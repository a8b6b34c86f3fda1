namespace Meet.Modules.Signaling;

// Reconnection storms (seed failure scenario 4): one token bucket per node on new signaling connections,
// SignalR (negotiate and connect, answered 429 with Retry-After) and gRPC EstablishSession (a 429 error
// message that names the wait) alike. Node-wide rather than per address: a storm comes from everyone at
// once, and what it must not overrun is this node. Clients retry with jittered exponential backoff.
public sealed class SignalingConnectRateLimitOptions
{
    public const string SectionName = "RateLimiting:SignalingConnect";

    public int TokenLimit { get; set; } = 500;

    public int TokensPerPeriod { get; set; } = 25;

    public TimeSpan ReplenishmentPeriod { get; set; } = TimeSpan.FromMilliseconds(100);
}

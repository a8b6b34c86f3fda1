namespace Meet.PacketEngine.FaultInjection;

/// <summary>One entry of <c>PacketEngine:FaultInjection:Paths</c>: a destination ("address:port") and its impairment.</summary>
public sealed class PathImpairmentOptions
{
    public string Destination { get; set; } = "";

    public long RateLimitKbps { get; set; }

    public double LossPercent { get; set; }

    public double DelayMs { get; set; }

    public double MaxQueueMs { get; set; } = 300;

    internal PathImpairment ToImpairment(int seed) => new()
    {
        RateLimitKbps = RateLimitKbps,
        LossPercent = LossPercent,
        DelayMs = DelayMs,
        MaxQueueMs = MaxQueueMs,
        Seed = seed,
    };
}

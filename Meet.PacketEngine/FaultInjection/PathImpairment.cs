namespace Meet.PacketEngine.FaultInjection;

/// <summary>
/// How the path to one destination is impaired: a rate cap with a queue (like a home router's uplink:
/// datagrams beyond the rate wait, those that would wait longer than <see cref="MaxQueueMs"/> are dropped),
/// random loss and a fixed one-way delay. Applied in this order; all zero is a clean path.
/// </summary>
public sealed record PathImpairment
{
    public long RateLimitKbps { get; init; }

    public double LossPercent { get; init; }

    public double DelayMs { get; init; }

    public double MaxQueueMs { get; init; } = 300;

    public int Seed { get; init; } = 1;
}

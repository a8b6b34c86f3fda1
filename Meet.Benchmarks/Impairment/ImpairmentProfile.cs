using Meet.PacketEngine.FaultInjection;

namespace Meet.Benchmarks.Impairment;

// One row of the impairment matrix (issue 11, Measure): what the subscriber's downlink suffers, and
// only its downlink: the fault-injection engine impairs datagrams the SFU sends to that one address.
internal sealed record ImpairmentProfile(string Name, PathImpairment Impairment)
{
    // The profiles. Added delay alone gives nothing to repair, so the two RTT rows carry 5 % loss
    // too: at 100 ms the SFU answers NACKs, at 300 ms (over Media:NackRttLimit, 150 ms) it requests key
    // frames instead. The caps queue like a home router (300 ms, PathImpairment's default).
    public static readonly IReadOnlyList<ImpairmentProfile> All =
    [
        new("loss-0", new PathImpairment()),
        new("loss-5", new PathImpairment { LossPercent = 5 }),
        new("loss-10", new PathImpairment { LossPercent = 10 }),
        new("loss-25", new PathImpairment { LossPercent = 25 }),
        new("cap-100k", new PathImpairment { RateLimitKbps = 100 }),
        new("cap-300k", new PathImpairment { RateLimitKbps = 300 }),
        new("cap-600k", new PathImpairment { RateLimitKbps = 600 }),
        new("rtt-100ms-loss-5", new PathImpairment { DelayMs = 100, LossPercent = 5 }),
        new("rtt-300ms-loss-5", new PathImpairment { DelayMs = 300, LossPercent = 5 }),
    ];

    public string Describe()
    {
        var parts = new List<string>();
        if (Impairment.LossPercent > 0)
            parts.Add($"{Impairment.LossPercent:0.#} % loss");
        if (Impairment.RateLimitKbps > 0)
            parts.Add($"{Impairment.RateLimitKbps} kbps cap ({Impairment.MaxQueueMs:0} ms queue)");
        if (Impairment.DelayMs > 0)
            parts.Add($"+{Impairment.DelayMs:0} ms RTT");
        return parts.Count == 0 ? "clean" : string.Join(", ", parts);
    }
}

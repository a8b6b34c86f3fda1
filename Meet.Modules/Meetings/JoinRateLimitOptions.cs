namespace Meet.Modules.Meetings;

// Token bucket per client address on POST /v1/meetings/{id}/join (reconnection storms, SPEC).
public sealed class JoinRateLimitOptions
{
    public const string SectionName = "RateLimiting:Join";

    public int TokenLimit { get; set; } = 100;

    public int TokensPerPeriod { get; set; } = 50;

    public TimeSpan ReplenishmentPeriod { get; set; } = TimeSpan.FromSeconds(1);
}

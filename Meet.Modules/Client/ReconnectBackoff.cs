namespace Meet.Modules.Client;

// The seed's formula: delay = min(MaxDelay, BaseDelay * 2^attempt) ± jitter, the jitter a random share
// (JitterFraction) of that delay so 20,000 clients dropped together do not come back together.
public sealed record ReconnectBackoff(TimeSpan BaseDelay, TimeSpan MaxDelay, double JitterFraction, int MaxAttempts)
{
    public static ReconnectBackoff Default { get; } = new(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10), 0.3, 10);

    public TimeSpan GetDelay(int attempt, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        var exponential = BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30));
        var capped = Math.Min(MaxDelay.TotalMilliseconds, exponential);
        var jitter = capped * JitterFraction * ((random.NextDouble() * 2) - 1);
        return TimeSpan.FromMilliseconds(Math.Max(0, capped + jitter));
    }
}

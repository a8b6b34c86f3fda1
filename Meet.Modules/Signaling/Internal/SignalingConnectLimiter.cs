using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Meet.Modules.Signaling.Internal;

// The node's one bucket of signaling connects (SignalingConnectRateLimitOptions), shared by the hub's
// rate-limiting policy and the gRPC service so both transports draw on the same budget.
internal sealed class SignalingConnectLimiter : IDisposable
{
    private long _accepted;
    private long _rejected;

    public SignalingConnectLimiter(IOptions<SignalingConnectRateLimitOptions> options)
    {
        var settings = options.Value;
        Limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = settings.TokenLimit,
            TokensPerPeriod = settings.TokensPerPeriod,
            ReplenishmentPeriod = settings.ReplenishmentPeriod,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    public RateLimiter Limiter { get; }

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Rejected => Interlocked.Read(ref _rejected);

    // retryAfter: when the bucket will hold a token again (at least one replenishment period).
    public bool TryAcquire(out TimeSpan retryAfter)
    {
        using var lease = Limiter.AttemptAcquire();
        Count(lease.IsAcquired);
        retryAfter = lease.IsAcquired || !lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? TimeSpan.Zero : wait;
        return lease.IsAcquired;
    }

    public void Count(bool accepted)
    {
        if (accepted)
            Interlocked.Increment(ref _accepted);
        else
            Interlocked.Increment(ref _rejected);
    }

    public void Dispose() => Limiter.Dispose();
}

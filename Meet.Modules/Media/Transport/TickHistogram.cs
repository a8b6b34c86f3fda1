using System.Diagnostics;
using System.Numerics;

namespace Meet.Modules.Media.Transport;

// A lock-free histogram of Stopwatch intervals with fixed log-linear buckets (issue 14's added forwarding
// latency): eight buckets per power of two of ticks, so a bucket is at most 12.5 % wide whether the
// interval is 2 µs or 20 ms, from 0 up to 2^36 ticks (≈ 69 s at the nanosecond ticks of Linux), then one
// overflow bucket. Recording is one LZCNT, a shift and one interlocked increment: no allocation, no lock,
// cheap enough for every forwarded packet. Read-outs subtract two snapshots to measure a window.
internal sealed class TickHistogram
{
    private const int SubBucketBits = 3;
    private const int SubBuckets = 1 << SubBucketBits;
    private const int MaxExponent = 36 - SubBucketBits;

    // Intervals below SubBuckets ticks get a bucket each; above, SubBuckets per power of two.
    public const int BucketCount = SubBuckets + (MaxExponent + 1) * SubBuckets + 1;

    private readonly long[] _counts = new long[BucketCount];

    public void Record(long ticks) => Interlocked.Increment(ref _counts[BucketOf(ticks)]);

    public static int BucketOf(long ticks)
    {
        if (ticks < SubBuckets)
            return ticks <= 0 ? 0 : (int)ticks;
        var exponent = 63 - BitOperations.LeadingZeroCount((ulong)ticks) - SubBucketBits;
        if (exponent > MaxExponent)
            return BucketCount - 1;
        // The top SubBucketBits + 1 bits: the leading one and the sub-bucket below it.
        var mantissa = (int)(ticks >> exponent);
        return SubBuckets + exponent * SubBuckets + (mantissa - SubBuckets);
    }

    // The first interval (ticks) above bucket `bucket`: its exclusive upper bound; long.MaxValue for overflow.
    public static long UpperBoundTicks(int bucket)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bucket);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bucket, BucketCount);
        if (bucket < SubBuckets)
            return bucket + 1;
        if (bucket == BucketCount - 1)
            return long.MaxValue;
        var exponent = (bucket - SubBuckets) / SubBuckets;
        var mantissa = SubBuckets + (bucket - SubBuckets) % SubBuckets;
        return (long)(mantissa + 1) << exponent;
    }

    public static double UpperBoundSeconds(int bucket) =>
        bucket == BucketCount - 1 ? double.PositiveInfinity : (double)UpperBoundTicks(bucket) / Stopwatch.Frequency;

    public long Count(int bucket) => Volatile.Read(ref _counts[bucket]);

    public long[] Snapshot()
    {
        var copy = new long[BucketCount];
        for (var i = 0; i < BucketCount; i++)
            copy[i] = Volatile.Read(ref _counts[i]);
        return copy;
    }

    // The upper bound (seconds) of the bucket holding the `quantile` (0..1) of what was recorded between
    // two snapshots (`before` null: since the start), nearest rank; NaN when nothing was recorded.
    public static double PercentileSeconds(long[]? before, long[] after, double quantile)
    {
        long total = 0;
        for (var i = 0; i < BucketCount; i++)
            total += after[i] - (before?[i] ?? 0);
        if (total == 0)
            return double.NaN;
        var rank = Math.Max(1, (long)Math.Ceiling(quantile * total));
        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += after[i] - (before?[i] ?? 0);
            if (seen >= rank)
                return UpperBoundSeconds(i);
        }
        return double.PositiveInfinity;
    }
}

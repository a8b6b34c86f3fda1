namespace Meet.Benchmarks.Meeting;

// Lock-free fixed-bucket histogram of one-way latencies (10 µs buckets up to 200 ms, then one
// overflow bucket): thousands of receive callbacks record into it without allocating or locking.
internal sealed class LatencyHistogram
{
    private const double BucketMicroseconds = 10;
    private const int BucketCount = 20_000;

    private readonly long[] _buckets = new long[BucketCount + 1];

    public void Record(double microseconds)
    {
        var index = microseconds <= 0 ? 0 : (int)Math.Min(BucketCount, microseconds / BucketMicroseconds);
        Interlocked.Increment(ref _buckets[index]);
    }

    public long[] Snapshot()
    {
        var copy = new long[_buckets.Length];
        for (var i = 0; i < copy.Length; i++)
            copy[i] = Interlocked.Read(ref _buckets[i]);
        return copy;
    }

    // Percentile (0..1) of what was recorded between two snapshots, in milliseconds; NaN when empty.
    public static double Percentile(long[] before, long[] after, double quantile)
    {
        long total = 0;
        for (var i = 0; i < after.Length; i++)
            total += after[i] - before[i];
        if (total == 0)
            return double.NaN;
        var rank = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        for (var i = 0; i < after.Length; i++)
        {
            seen += after[i] - before[i];
            if (seen >= rank)
                return (i + 0.5) * BucketMicroseconds / 1000;
        }
        return BucketCount * BucketMicroseconds / 1000;
    }
}

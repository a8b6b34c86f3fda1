namespace Meet.Benchmarks.Meeting;

// Lock-free fixed-bucket histogram of one-way latencies (10 µs buckets up to 200 ms, 1 ms buckets up
// to 10 s, then one overflow bucket): thousands of receive callbacks record into it without allocating
// or locking.
internal sealed class LatencyHistogram
{
    private const double FineMicroseconds = 10;
    private const int FineCount = 20_000;
    private const double CoarseMicroseconds = 1_000;
    private const int CoarseCount = 9_800;

    private readonly long[] _buckets = new long[FineCount + CoarseCount + 1];

    public void Record(double microseconds)
    {
        var fine = FineCount * FineMicroseconds;
        var index = microseconds <= 0 ? 0
            : microseconds < fine ? (int)(microseconds / FineMicroseconds)
            : FineCount + (int)Math.Min(CoarseCount, (microseconds - fine) / CoarseMicroseconds);
        Interlocked.Increment(ref _buckets[index]);
    }

    private static double UpperMilliseconds(int index) => index < FineCount
        ? (index + 0.5) * FineMicroseconds / 1000
        : (FineCount * FineMicroseconds + (index - FineCount + 0.5) * CoarseMicroseconds) / 1000;

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
                return UpperMilliseconds(i);
        }
        return UpperMilliseconds(after.Length - 1);
    }
}

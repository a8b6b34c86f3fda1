using System.Diagnostics;

namespace Meet.Modules.Media.Mixing;

// A thread-safe 1 ms histogram (0–255 ms) of Stopwatch intervals, for the mixer's latency figures.
internal sealed class LatencyHistogram
{
    private const int Buckets = 256;

    private readonly long[] _counts = new long[Buckets];

    public void Record(long stopwatchTicks)
    {
        var milliseconds = stopwatchTicks * 1000 / Stopwatch.Frequency;
        Interlocked.Increment(ref _counts[Math.Clamp(milliseconds, 0, Buckets - 1)]);
    }

    // The counts so far, to measure a window as the difference from them (Percentile's `since`).
    public long[] Snapshot()
    {
        var counts = new long[Buckets];
        for (var i = 0; i < Buckets; i++)
            counts[i] = Volatile.Read(ref _counts[i]);
        return counts;
    }

    // The bound (ms) under which `fraction` of the intervals recorded (since the Snapshot `since`) fell;
    // -1 before any.
    public int Percentile(double fraction, long[]? since = null)
    {
        var total = 0L;
        for (var i = 0; i < Buckets; i++)
            total += Count(i, since);
        if (total == 0)
            return -1;
        var target = (long)Math.Ceiling(total * fraction);
        var seen = 0L;
        for (var i = 0; i < Buckets; i++)
        {
            seen += Count(i, since);
            if (seen >= target)
                return i + 1;
        }
        return Buckets;
    }

    private long Count(int bucket, long[]? since) => Volatile.Read(ref _counts[bucket]) - (since?[bucket] ?? 0);
}

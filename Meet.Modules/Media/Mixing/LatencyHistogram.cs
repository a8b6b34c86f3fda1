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

    // The bound (ms) under which `fraction` of the recorded intervals fell; -1 before any.
    public int Percentile(double fraction)
    {
        var total = 0L;
        for (var i = 0; i < Buckets; i++)
            total += Volatile.Read(ref _counts[i]);
        if (total == 0)
            return -1;
        var target = (long)Math.Ceiling(total * fraction);
        var seen = 0L;
        for (var i = 0; i < Buckets; i++)
        {
            seen += Volatile.Read(ref _counts[i]);
            if (seen >= target)
                return i + 1;
        }
        return Buckets;
    }
}

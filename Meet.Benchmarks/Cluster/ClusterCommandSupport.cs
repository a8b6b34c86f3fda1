using System.Diagnostics;
using System.Globalization;

namespace Meet.Benchmarks.Cluster;

// What the cluster commands (failover, signaling-cluster, join-cost) share: polling a condition with a
// limit, percentiles of a sorted list, and reading their options.
internal static class ClusterCommandSupport
{
    public static async Task<bool> WaitAsync(Func<bool> condition, TimeSpan limit, int pollMs = 10)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        while (!condition())
        {
            if (Stopwatch.GetTimestamp() > deadline)
                return false;
            await Task.Delay(pollMs);
        }
        return true;
    }

    public static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    public static string? Text(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    public static int Option(string[] args, string name, int fallback) =>
        int.TryParse(Text(args, name), CultureInfo.InvariantCulture, out var value) ? value : fallback;
}

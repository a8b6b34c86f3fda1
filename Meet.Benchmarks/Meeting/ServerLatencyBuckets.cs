using System.Globalization;

namespace Meet.Benchmarks.Meeting;

// The server's added forwarding latency as its /metrics exports it (issue 14): cumulative counts of forwarded
// packets by upper bound, `meet_media_forwarding_latency_total{le="..."}`, non-empty buckets only. Two scrapes
// give the window's percentiles: a bound missing from a scrape holds the count of the nearest bound below it.
internal sealed class ServerLatencyBuckets
{
    public const string MetricName = "meet_media_forwarding_latency_total";

    private readonly SortedList<double, double> _cumulative;

    private ServerLatencyBuckets(SortedList<double, double> cumulative) => _cumulative = cumulative;

    public static ServerLatencyBuckets Empty { get; } = new([]);

    public int BoundCount => _cumulative.Count;

    public double Total => _cumulative.Count == 0 ? 0 : _cumulative.Values[^1];

    public static async Task<ServerLatencyBuckets> ScrapeAsync(HttpClient http, Uri baseAddress)
    {
        try
        {
            return Parse(await http.GetStringAsync(new Uri(baseAddress, "/metrics")));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return Empty;
        }
    }

    public static ServerLatencyBuckets Parse(string metricsText)
    {
        var cumulative = new SortedList<double, double>();
        foreach (var line in metricsText.Split('\n'))
        {
            if (!line.StartsWith(MetricName + "{", StringComparison.Ordinal))
                continue;
            var le = line.IndexOf("le=\"", StringComparison.Ordinal);
            var end = le < 0 ? -1 : line.IndexOf('"', le + 4);
            if (end < 0)
                continue;
            var boundText = line[(le + 4)..end];
            var bound = boundText == "+Inf" ? double.PositiveInfinity
                : double.TryParse(boundText, NumberStyles.Float, CultureInfo.InvariantCulture, out var b) ? b : double.NaN;
            if (double.IsNaN(bound) || !double.TryParse(line[(line.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var count))
                continue;
            cumulative[bound] = count;
        }
        return new ServerLatencyBuckets(cumulative);
    }

    // The count at or below `bound`: the nearest bound at or below it (a bucket left out had none).
    private double CountAtOrBelow(double bound)
    {
        double count = 0;
        foreach (var (b, c) in _cumulative)
        {
            if (b > bound)
                break;
            count = c;
        }
        return count;
    }

    // The `quantile` (0..1) of what the server recorded between `before` and `after`, in milliseconds: the
    // upper bound of the bucket holding it (nearest rank); NaN when nothing was recorded.
    public static double PercentileMs(ServerLatencyBuckets before, ServerLatencyBuckets after, double quantile)
    {
        var total = after.Total - before.Total;
        if (total <= 0)
            return double.NaN;
        var rank = Math.Max(1, Math.Ceiling(quantile * total));
        foreach (var (bound, count) in after._cumulative)
        {
            if (count - before.CountAtOrBelow(bound) >= rank)
                return bound * 1000;
        }
        return double.PositiveInfinity;
    }
}

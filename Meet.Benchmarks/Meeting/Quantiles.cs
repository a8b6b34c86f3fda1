namespace Meet.Benchmarks.Meeting;

// A sample's size, median, 95th percentile and maximum (nearest rank; NaN when empty).
internal sealed record Quantiles(int Count, double P50, double P95, double Max)
{
    public static Quantiles Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return new Quantiles(sorted.Length, Rank(sorted, 0.5), Rank(sorted, 0.95), Rank(sorted, 1));
    }

    // The nearest-rank percentile of an ascending array.
    public static double Rank(double[] sorted, double quantile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];

    public override string ToString() => FormattableString.Invariant($"p50 {P50:F0} / p95 {P95:F0} ms ({Count})");
}

using System.Diagnostics;
using Meet.Modules.Media.Transport;

namespace Meet.Tests.Media.Transport;

// Issue 14: the server's added-latency histogram. Its buckets must cover every interval exactly once and
// stay narrow (≤ 12.5 %) from one tick to a minute, its percentiles must come from the right bucket, and
// recording must not allocate (it runs for every forwarded copy).
[TestFixture]
public sealed class TickHistogramTests
{
    [Test]
    public void Every_interval_falls_in_the_bucket_whose_bounds_hold_it()
    {
        var random = new Random(14);
        var values = Enumerable.Range(0, 64).Select(i => (long)i)
            .Concat(Enumerable.Range(3, 34).SelectMany(bit => new[] { (1L << bit) - 1, 1L << bit, (1L << bit) + 1 }))
            .Concat(Enumerable.Range(0, 10_000).Select(_ => random.NextInt64(1L << random.Next(1, 37))));
        foreach (var ticks in values)
        {
            var bucket = TickHistogram.BucketOf(ticks);
            var lower = bucket == 0 ? 0 : TickHistogram.UpperBoundTicks(bucket - 1);
            ticks.Should().BeGreaterThanOrEqualTo(lower, $"bucket {bucket}");
            ticks.Should().BeLessThan(TickHistogram.UpperBoundTicks(bucket), $"bucket {bucket}");
        }
    }

    [Test]
    public void Buckets_are_contiguous_and_at_most_an_eighth_wide()
    {
        for (var bucket = 1; bucket < TickHistogram.BucketCount - 1; bucket++)
        {
            var lower = TickHistogram.UpperBoundTicks(bucket - 1);
            var upper = TickHistogram.UpperBoundTicks(bucket);
            upper.Should().BeGreaterThan(lower);
            TickHistogram.BucketOf(lower).Should().Be(bucket, "the bucket starts where the previous one ends");
            TickHistogram.BucketOf(upper - 1).Should().Be(bucket);
            if (lower >= 8)
                ((double)(upper - lower) / lower).Should().BeLessThanOrEqualTo(0.125);
        }
    }

    [Test]
    public void Negative_intervals_count_as_zero_and_huge_ones_overflow()
    {
        TickHistogram.BucketOf(-5).Should().Be(0);
        TickHistogram.BucketOf(0).Should().Be(0);
        TickHistogram.BucketOf(long.MaxValue).Should().Be(TickHistogram.BucketCount - 1);
        TickHistogram.BucketOf(1L << 37).Should().Be(TickHistogram.BucketCount - 1);
        TickHistogram.BucketOf((1L << 37) - 1).Should().Be(TickHistogram.BucketCount - 2);
        TickHistogram.UpperBoundSeconds(TickHistogram.BucketCount - 1).Should().Be(double.PositiveInfinity);
    }

    [Test]
    public void Percentiles_read_the_upper_bound_of_the_bucket_holding_the_rank_within_a_window()
    {
        var histogram = new TickHistogram();
        var microsecond = Stopwatch.Frequency / 1_000_000;
        for (var i = 0; i < 1000; i++)
            histogram.Record(5_000 * microsecond);
        var before = histogram.Snapshot();
        // The window: 989 intervals of 100 µs, 10 of 2 ms and 1 of 40 ms.
        for (var i = 0; i < 989; i++)
            histogram.Record(100 * microsecond);
        for (var i = 0; i < 10; i++)
            histogram.Record(2_000 * microsecond);
        histogram.Record(40_000 * microsecond);
        var after = histogram.Snapshot();

        Bound(100).Should().Be(TickHistogram.PercentileSeconds(before, after, 0.5));
        Bound(100).Should().Be(TickHistogram.PercentileSeconds(before, after, 0.989));
        Bound(2_000).Should().Be(TickHistogram.PercentileSeconds(before, after, 0.99));
        Bound(40_000).Should().Be(TickHistogram.PercentileSeconds(before, after, 0.9999));
        TickHistogram.PercentileSeconds(before, after, 0.5).Should().BeInRange(100e-6, 100e-6 * 1.125);
        Bound(5_000).Should().Be(TickHistogram.PercentileSeconds(null, after, 0.9), "since the start the 1,000 of 5 ms come first at p90");
        double.IsNaN(TickHistogram.PercentileSeconds(after, after, 0.5)).Should().BeTrue("nothing was recorded in an empty window");

        double Bound(long microseconds) => TickHistogram.UpperBoundSeconds(TickHistogram.BucketOf(microseconds * microsecond));
    }

    [Test]
    public void Recording_allocates_nothing_and_counts_every_interval()
    {
        var histogram = new TickHistogram();
        histogram.Record(1);
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100_000; i++)
            histogram.Record(i * 997L);
        (GC.GetAllocatedBytesForCurrentThread() - allocated).Should().Be(0);
        histogram.Snapshot().Sum().Should().Be(100_001);
    }

    [Test]
    public void Concurrent_recorders_lose_no_count()
    {
        var histogram = new TickHistogram();
        Parallel.For(0, 4, _ =>
        {
            for (var i = 0; i < 50_000; i++)
                histogram.Record(1_000);
        });
        histogram.Count(TickHistogram.BucketOf(1_000)).Should().Be(200_000);
    }
}

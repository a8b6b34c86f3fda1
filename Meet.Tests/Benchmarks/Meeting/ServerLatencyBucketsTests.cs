using Meet.Benchmarks.Meeting;

namespace Meet.Tests.Benchmarks.Meeting;

// Issue 14: the meeting command reads the server's added latency from two /metrics scrapes. The server
// leaves empty buckets out, so a bound that appears only in the later scrape held, in the earlier one,
// the count of the nearest bound below it.
[TestFixture]
public sealed class ServerLatencyBucketsTests
{
    private const string Before = """
        # TYPE meet_media_forwarding_latency_total counter
        meet_media_forwarding_latency_total{le="0.0001",otel_scope_name="Meet.Media"} 100
        meet_media_forwarding_latency_total{le="0.002",otel_scope_name="Meet.Media"} 110
        meet_media_forwarding_latency_total{le="+Inf",otel_scope_name="Meet.Media"} 110
        meet_media_rtp_forwarded_total{otel_scope_name="Meet.Media"} 110
        """;

    // The window added 980 at ≤ 0.1 ms, 10 at ≤ 0.5 ms (a bound new in this scrape), 9 at ≤ 2 ms and 1 at ≤ 30 ms.
    private const string After = """
        meet_media_forwarding_latency_total{le="0.0001",otel_scope_name="Meet.Media"} 1080
        meet_media_forwarding_latency_total{le="0.0005",otel_scope_name="Meet.Media"} 1090
        meet_media_forwarding_latency_total{le="0.002",otel_scope_name="Meet.Media"} 1109
        meet_media_forwarding_latency_total{le="0.03",otel_scope_name="Meet.Media"} 1110
        meet_media_forwarding_latency_total{le="+Inf",otel_scope_name="Meet.Media"} 1110
        """;

    [Test]
    public void Percentiles_of_the_window_come_from_the_difference_of_two_scrapes()
    {
        var before = ServerLatencyBuckets.Parse(Before);
        var after = ServerLatencyBuckets.Parse(After);

        before.BoundCount.Should().Be(3, "only the histogram's lines are read");
        (after.Total - before.Total).Should().Be(1000);
        ServerLatencyBuckets.PercentileMs(before, after, 0.5).Should().BeApproximately(0.1, 1e-9);
        ServerLatencyBuckets.PercentileMs(before, after, 0.98).Should().BeApproximately(0.1, 1e-9);
        ServerLatencyBuckets.PercentileMs(before, after, 0.99).Should().BeApproximately(0.5, 1e-9, "the new bound counted from 100 before, not 0");
        ServerLatencyBuckets.PercentileMs(before, after, 0.999).Should().BeApproximately(2, 1e-9);
        ServerLatencyBuckets.PercentileMs(before, after, 1).Should().BeApproximately(30, 1e-9);
    }

    [Test]
    public void An_empty_window_or_a_failed_scrape_has_no_percentile_and_garbage_lines_are_skipped()
    {
        var after = ServerLatencyBuckets.Parse(After);
        double.IsNaN(ServerLatencyBuckets.PercentileMs(after, after, 0.5)).Should().BeTrue();
        double.IsNaN(ServerLatencyBuckets.PercentileMs(ServerLatencyBuckets.Empty, ServerLatencyBuckets.Empty, 0.5)).Should().BeTrue();
        var garbage = ServerLatencyBuckets.Parse("""
            meet_media_forwarding_latency_total{le="abc"} 5
            meet_media_forwarding_latency_total{le="0.001"} x
            meet_media_forwarding_latency_total{le="0.001 7
            meet_media_forwarding_latency_total 9
            """);
        garbage.BoundCount.Should().Be(0);
    }
}

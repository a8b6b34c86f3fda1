using Meet.Modules.Media.Bandwidth;

namespace Meet.Tests.Media.Bandwidth;

// Probe cluster results from simulated trains: a bottleneck spreads a train out, and the receive rate
// is what the path carries.
public sealed class ProbeBitrateEstimatorTests
{
    // `packets` of `size` bytes sent at `sendRate` through a link of `capacity` (FIFO), 20 ms away.
    private static void Train(ProbeBitrateEstimator estimator, int cluster, int packets, int size, double sendRate, double capacity,
        double startMs = 1000, Func<int, bool>? lost = null)
    {
        var linkFree = 0.0;
        for (var i = 0; i < packets; i++)
        {
            var send = startMs + i * size * 8 * 1000 / sendRate;
            linkFree = Math.Max(send, linkFree) + size * 8 * 1000 / capacity;
            estimator.OnPacket(cluster, send, lost?.Invoke(i) == true ? double.NaN : linkFree + 20, size);
        }
        estimator.OnClusterSent(cluster, packets);
    }

    [Test]
    public void A_train_through_a_narrower_bottleneck_measures_the_bottleneck()
    {
        var estimator = new ProbeBitrateEstimator();
        Train(estimator, 0, 40, 1200, sendRate: 3_000_000, capacity: 1_000_000);

        estimator.TryGetResult(0, out var bitrate).Should().BeTrue();
        bitrate.Should().BeApproximately(0.95 * 1_000_000, 30_000, "saturated: 95 % of the receive rate");
    }

    [Test]
    public void A_train_on_a_wider_path_measures_what_was_sent()
    {
        var estimator = new ProbeBitrateEstimator();
        Train(estimator, 0, 40, 1200, sendRate: 2_000_000, capacity: 10_000_000);

        estimator.TryGetResult(0, out var bitrate).Should().BeTrue();
        bitrate.Should().BeApproximately(2_000_000, 60_000);
    }

    [Test]
    public void A_receiver_stall_in_the_middle_of_a_train_does_not_read_as_a_bottleneck()
    {
        // 2 Mbps sent on a wide path; the receiver reads nothing for 30 ms, then the backlog at once.
        var estimator = new ProbeBitrateEstimator();
        for (var i = 0; i < 20; i++)
        {
            var send = 1000 + i * 1200 * 8 * 1000 / 2_000_000.0;
            var arrival = send + 20;
            if (arrival is > 1030 and < 1060)
                arrival = 1060 + i * 0.01;
            estimator.OnPacket(0, send, arrival, 1200);
        }
        estimator.OnClusterSent(0, 20);

        estimator.TryGetResult(0, out var bitrate).Should().BeTrue();
        bitrate.Should().BeGreaterThan(1_800_000, "one stall is one wide gap, not an evenly spread train");
    }

    [Test]
    public void A_result_needs_80_percent_of_the_cluster_reported_and_comes_once()
    {
        var estimator = new ProbeBitrateEstimator();
        Train(estimator, 0, 20, 1200, 2_000_000, 10_000_000, lost: i => i % 4 == 0);
        estimator.TryGetResult(0, out _).Should().BeFalse("a quarter lost: too little to judge");

        Train(estimator, 1, 20, 1200, 2_000_000, 10_000_000, startMs: 3000);
        estimator.TryGetResult(1, out _).Should().BeTrue();
        estimator.TryGetResult(1, out _).Should().BeFalse("each cluster answers once");
        estimator.TryGetResult(7, out _).Should().BeFalse("no such cluster");
    }

    [Test]
    public void A_burst_no_clock_can_time_and_absurd_arrival_spreads_give_no_result()
    {
        var burst = new ProbeBitrateEstimator();
        for (var i = 0; i < 10; i++)
            burst.OnPacket(0, 1000, 1020, 1200);
        burst.OnClusterSent(0, 10);
        burst.TryGetResult(0, out _).Should().BeFalse("a zero send span is no measurement");

        var forged = new ProbeBitrateEstimator();
        for (var i = 0; i < 10; i++)
            forged.OnPacket(0, 1000 + i * 5, 1020 + i * 0.1, 1200);
        forged.OnClusterSent(0, 10);
        forged.TryGetResult(0, out _).Should().BeFalse("arrivals 50x faster than sending are clock trouble, not capacity");
    }

    [Test]
    public void Old_clusters_give_way_to_new_ones_without_growing()
    {
        var estimator = new ProbeBitrateEstimator();
        for (var cluster = 0; cluster < 10; cluster++)
            Train(estimator, cluster, 10, 1200, 2_000_000, 10_000_000, startMs: 1000 + cluster * 1000);

        estimator.TryGetResult(9, out var bitrate).Should().BeTrue();
        bitrate.Should().BeGreaterThan(1_500_000);
        estimator.TryGetResult(0, out _).Should().BeFalse("the oldest cluster was forgotten");
    }
}

using Meet.Modules.Media.Bandwidth;

namespace Meet.Tests.Media.Bandwidth;

// The estimator against synthetic traces: a paced sender at min(estimate, demand) through a bottleneck
// of given capacity (FIFO queue, tail drop past 300 ms of queue, optional random loss), transport-cc
// feedback every 100 ms. Times are simulated; nothing here depends on the machine's speed.
[TestFixture]
public sealed class SendSideBandwidthEstimatorTests
{
    private sealed class Link(SendSideBandwidthEstimator estimator, double demand, int seed = 1)
    {
        private const int PacketBytes = 1200;
        private const double PropagationMs = 20;
        private readonly List<(double Send, double Arrival)> _inFlight = [];
        private readonly Random _random = new(seed);
        private double _linkFreeMs;
        private double _nextSendMs;

        public double Capacity { get; set; } = 5_000_000;

        public double Demand { get; set; } = demand;

        public double LossRate { get; set; }

        public double Now { get; private set; }

        public List<double> Estimates { get; } = [];

        public void Run(double seconds)
        {
            var end = Now + seconds * 1000;
            while (Now < end)
            {
                var next = Now + 100;
                estimator.Wanted = Demand;
                var rate = Math.Min(estimator.ProbeTarget ?? estimator.Estimate, Demand);
                var interval = PacketBytes * 8 * 1000 / rate;
                for (; _nextSendMs < next; _nextSendMs += interval)
                {
                    var start = Math.Max(_nextSendMs, _linkFreeMs);
                    double arrival;
                    if (start - _nextSendMs > 300 || _random.NextDouble() < LossRate)
                    {
                        arrival = double.NaN;
                    }
                    else
                    {
                        _linkFreeMs = start + PacketBytes * 8 * 1000 / Capacity;
                        arrival = _linkFreeMs + PropagationMs;
                    }
                    _inFlight.Add((_nextSendMs, arrival));
                }
                Now = next;
                // Feedback covers what arrived (or is known lost) by now.
                var reported = 0;
                foreach (var (send, arrival) in _inFlight)
                {
                    if (double.IsNaN(arrival) ? send > Now - 40 : arrival > Now)
                        break;
                    estimator.OnPacket(send, arrival, PacketBytes);
                    reported++;
                }
                _inFlight.RemoveRange(0, reported);
                Estimates.Add(estimator.OnFeedbackComplete(Now, 2 * PropagationMs));
            }
        }
    }

    [Test]
    public void On_a_clear_path_the_estimate_grows_to_cover_the_demand_and_stays()
    {
        var estimator = new SendSideBandwidthEstimator();
        var link = new Link(estimator, demand: 2_500_000);
        link.Run(30);
        estimator.Estimate.Should().BeGreaterThan(2_500_000);
        link.Estimates.Skip(150).Should().OnlyContain(e => e > 2_500_000, "no spurious decrease once the demand is covered");
        estimator.LossFraction.Should().Be(0);
    }

    [Test]
    public void A_step_down_in_capacity_is_followed_within_two_seconds()
    {
        var estimator = new SendSideBandwidthEstimator(startBitrate: 300_000);
        var link = new Link(estimator, demand: 2_500_000);
        link.Run(20);
        link.Capacity = 400_000;
        link.Run(2);
        estimator.Estimate.Should().BeLessThan(500_000);
        link.Run(20);
        link.Estimates.TakeLast(150).Average().Should().BeInRange(250_000, 480_000, "it settles near the 400 kbps capacity");
        estimator.Probe.Failed.Should().BeLessThan(8, "failed probes back off exponentially");
    }

    [Test]
    public void After_the_capacity_returns_the_estimate_recovers()
    {
        var estimator = new SendSideBandwidthEstimator(startBitrate: 300_000);
        var link = new Link(estimator, demand: 2_000_000);
        link.Run(10);
        link.Capacity = 400_000;
        link.Run(10);
        link.Capacity = 5_000_000;
        link.Run(10);
        estimator.Estimate.Should().BeGreaterThan(1_500_000, "probing finds the headroom within 10 s (an estimate that never recovers after a dip is a known SFU bug)");
        estimator.Probe.Succeeded.Should().BeGreaterThan(0);
    }

    [Test]
    public void Random_loss_above_ten_percent_cuts_the_estimate_and_two_percent_does_not()
    {
        var lossy = new SendSideBandwidthEstimator(startBitrate: 2_000_000);
        var link = new Link(lossy, demand: 2_000_000) { LossRate = 0.25 };
        link.Run(5);
        lossy.LossFraction.Should().BeInRange(0.15, 0.35);
        lossy.Estimate.Should().BeLessThan(1_000_000);

        var clean = new SendSideBandwidthEstimator(startBitrate: 2_000_000);
        var light = new Link(clean, demand: 2_000_000) { LossRate = 0.01 };
        light.Run(5);
        clean.Estimate.Should().BeGreaterThanOrEqualTo(2_000_000);
    }

    [Test]
    public void A_loss_burst_costs_one_decrease_and_the_rate_comes_back()
    {
        var estimator = new SendSideBandwidthEstimator(startBitrate: 1_500_000);
        var link = new Link(estimator, demand: 1_500_000);
        link.Run(5);
        var before = estimator.Estimate;
        link.LossRate = 0.5;
        link.Run(0.5);
        estimator.Estimate.Should().BeLessThan(0.8 * before);
        link.LossRate = 0;
        link.Run(15);
        estimator.Estimate.Should().BeGreaterThanOrEqualTo(1_500_000);
    }

    [Test]
    public void At_a_fixed_capacity_the_estimate_does_not_oscillate_wildly()
    {
        var estimator = new SendSideBandwidthEstimator(startBitrate: 300_000);
        var link = new Link(estimator, demand: 10_000_000) { Capacity = 1_500_000 };
        link.Run(60);
        var settled = link.Estimates.Skip(200).ToList();
        settled.Should().OnlyContain(e => e > 0.5 * 1_500_000 && e < 1.6 * 1_500_000, "it hovers around the capacity");
        // Direction changes of more than 20 % between feedbacks: AIMD saws, it does not flap.
        var jumps = settled.Zip(settled.Skip(1), (a, b) => Math.Abs(b - a) / a).Count(r => r > 0.2);
        jumps.Should().BeLessThan(settled.Count / 20);
    }
}

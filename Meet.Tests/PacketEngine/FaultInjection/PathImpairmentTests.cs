using System.Buffers.Binary;
using Meet.PacketEngine;
using Meet.PacketEngine.FaultInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Meet.Tests.PacketEngine.FaultInjection;

// Issue 11: one destination's path impaired (one subscriber's downlink), the others on the same channel
// untouched; settings changed while traffic flows. Fake clock, in-memory engine: exact and instant.
public sealed class PathImpairmentTests
{
    private ManualTimeProvider _time = null!;
    private IPacketEngine _engine = null!;
    private IPathImpairments _paths = null!;

    [SetUp]
    public void Start()
    {
        _time = new ManualTimeProvider();
        // The whole-channel faults are off: only the paths impair.
        _engine = FaultInjectionPacketEngineFactory.Create(new InMemoryPacketEngine(), new FaultInjectionOptions { Enabled = true }, _time, out _paths);
    }

    [TearDown]
    public async Task Stop() => await _engine.DisposeAsync();

    private sealed class Arrivals(ManualTimeProvider time) : IPacketReceiver
    {
        public List<(double SentMs, double ArrivedMs, int Length)> Items { get; } = [];

        public void OnReceived(IPacketChannel channel, PacketBatch batch)
        {
            for (var i = 0; i < batch.Count; i++)
                Items.Add((BinaryPrimitives.ReadDoubleBigEndian(batch[i]), time.ElapsedMs, batch[i].Length));
        }

        public double BitsPerSecond(double fromMs, double toMs) =>
            Items.Where(a => a.ArrivedMs >= fromMs && a.ArrivedMs < toMs).Sum(a => a.Length) * 8.0 * 1000 / (toMs - fromMs);
    }

    private (IPacketChannel Sender, IPacketChannel Capped, Arrivals CappedArrivals, IPacketChannel Clean, Arrivals CleanArrivals) Bind()
    {
        var cappedArrivals = new Arrivals(_time);
        var cleanArrivals = new Arrivals(_time);
        var capped = _engine.Bind(PacketAddress.FromIPv4(0x7F00_0001, 0), PacketProtocol.Udp, cappedArrivals);
        var clean = _engine.Bind(PacketAddress.FromIPv4(0x7F00_0001, 0), PacketProtocol.Udp, cleanArrivals);
        var sender = _engine.Bind(PacketAddress.FromIPv4(0x7F00_0001, 0), PacketProtocol.Udp, new RecordingReceiver());
        return (sender, capped, cappedArrivals, clean, cleanArrivals);
    }

    // Every intervalMs one 1,200-byte datagram to each destination, in one batch, for durationMs of fake time.
    private void Send(IPacketChannel sender, double durationMs, double intervalMs, params IPacketChannel[] destinations)
    {
        var batch = new PacketBatch(destinations.Length);
        for (var t = 0.0; t < durationMs; t += intervalMs)
        {
            batch.Clear();
            foreach (var destination in destinations)
            {
                var slot = batch.GetNextSlot()[..1200];
                slot.Clear();
                BinaryPrimitives.WriteDoubleBigEndian(slot, _time.ElapsedMs);
                batch.Commit(1200, destination.LocalAddress);
            }
            sender.Send(batch);
            _time.Advance(TimeSpan.FromMilliseconds(intervalMs));
        }
    }

    [Test]
    public void A_capped_destination_receives_the_cap_through_a_bounded_queue_and_the_other_destination_everything()
    {
        var (sender, capped, cappedArrivals, clean, cleanArrivals) = Bind();
        _paths.Set(capped.LocalAddress, new PathImpairment { RateLimitKbps = 400, MaxQueueMs = 200 });

        // 1.92 Mbit/s offered to each for 20 s.
        Send(sender, 20_000, 5, capped, clean);
        _time.Advance(TimeSpan.FromSeconds(1));

        cappedArrivals.BitsPerSecond(1000, 20_000).Should().BeApproximately(400_000, 12_000);
        var delays = cappedArrivals.Items.Select(a => a.ArrivedMs - a.SentMs).ToArray();
        delays.Max().Should().BeLessThanOrEqualTo(201 + 24, "nothing waits past the queue limit (plus its own serialisation and the 1 ms tick)");
        delays.Skip(100).Average().Should().BeGreaterThan(150, "a link offered 5x its rate runs with a full queue");
        var stats = _paths.GetStats(capped.LocalAddress);
        stats.Delivered.Should().Be(cappedArrivals.Items.Count);
        stats.QueueDropped.Should().Be(4000 - cappedArrivals.Items.Count, "every datagram not delivered is counted as a queue drop");
        sender.Counters.Dropped(DropReason.FaultInjected).Should().Be(stats.QueueDropped);

        cleanArrivals.Items.Should().HaveCount(4000);
        cleanArrivals.Items.Should().OnlyContain(a => a.ArrivedMs == a.SentMs, "the other destination is neither delayed nor dropped");
    }

    [Test]
    public void Lifting_a_cap_at_run_time_restores_the_full_rate_and_queued_datagrams_are_still_delivered()
    {
        var (sender, capped, cappedArrivals, _, _) = Bind();
        _paths.Set(capped.LocalAddress, new PathImpairment { RateLimitKbps = 300 });
        Send(sender, 5000, 5, capped);
        var queuedBeforeLift = _paths.GetStats(capped.LocalAddress);

        _paths.Clear(capped.LocalAddress).Should().BeTrue();
        Send(sender, 5000, 5, capped);
        _time.Advance(TimeSpan.FromSeconds(1));

        cappedArrivals.BitsPerSecond(1000, 5000).Should().BeApproximately(300_000, 15_000);
        cappedArrivals.BitsPerSecond(5500, 10_000).Should().BeApproximately(1_920_000, 20_000);
        _paths.GetStats(capped.LocalAddress).Delivered.Should().BeGreaterThan(queuedBeforeLift.Delivered, "what was queued drains after the lift");
        _paths.Clear(capped.LocalAddress).Should().BeFalse("already lifted");
    }

    [Test]
    public void Changing_a_cap_at_run_time_takes_effect_at_once()
    {
        var (sender, capped, cappedArrivals, _, _) = Bind();
        _paths.Set(capped.LocalAddress, new PathImpairment { RateLimitKbps = 300 });
        Send(sender, 5000, 5, capped);
        _paths.Set(capped.LocalAddress, new PathImpairment { RateLimitKbps = 1000 });
        Send(sender, 5000, 5, capped);

        cappedArrivals.BitsPerSecond(1000, 5000).Should().BeApproximately(300_000, 15_000);
        cappedArrivals.BitsPerSecond(6000, 10_000).Should().BeApproximately(1_000_000, 30_000);
    }

    [Test]
    public void Loss_and_delay_apply_to_the_impaired_destination_only()
    {
        var (sender, lossy, lossyArrivals, clean, cleanArrivals) = Bind();
        _paths.Set(lossy.LocalAddress, new PathImpairment { LossPercent = 10, DelayMs = 150 });

        Send(sender, 50_000, 5, lossy, clean);
        _time.Advance(TimeSpan.FromSeconds(1));

        var loss = 1 - lossyArrivals.Items.Count / 10_000.0;
        loss.Should().BeApproximately(0.10, 0.012);
        _paths.GetStats(lossy.LocalAddress).Lost.Should().Be(10_000 - lossyArrivals.Items.Count);
        lossyArrivals.Items.Should().OnlyContain(a => a.ArrivedMs - a.SentMs >= 150 && a.ArrivedMs - a.SentMs <= 151);
        cleanArrivals.Items.Should().HaveCount(10_000);
        cleanArrivals.Items.Should().OnlyContain(a => a.ArrivedMs == a.SentMs);
    }

    [Test]
    public void Absurd_settings_are_refused_with_a_clear_error()
    {
        var (_, capped, _, _, _) = Bind();
        var act = () => _paths.Set(capped.LocalAddress, new PathImpairment { LossPercent = 150 });
        act.Should().Throw<PacketEngineException>().WithMessage("*LossPercent 0..100*");
        _paths.GetStats(capped.LocalAddress).Should().Be(default(PathImpairmentStats));
    }

    [Test]
    public async Task Paths_from_configuration_are_impaired_and_the_handle_is_registered()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PacketEngine:FaultInjection:Enabled"] = "true",
            ["PacketEngine:FaultInjection:Paths:0:Destination"] = "127.0.0.1:50999",
            ["PacketEngine:FaultInjection:Paths:0:LossPercent"] = "100",
        }).Build();
        await using var services = new ServiceCollection().AddPacketEngine(configuration).BuildServiceProvider();
        services.GetRequiredService<IPacketEngine>();
        var paths = services.GetRequiredService<IPathImpairments>();

        var destination = PacketAddress.FromIPv4(0x7F00_0001, 50999);
        paths.Clear(destination).Should().BeTrue("the configured path was impaired");
    }

    [TestCase("Destination", "not-an-address")]
    [TestCase("LossPercent", "101")]
    [TestCase("MaxQueueMs", "0")]
    public void An_invalid_path_in_configuration_fails_naming_the_key(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PacketEngine:FaultInjection:Enabled"] = "true",
            ["PacketEngine:FaultInjection:Paths:0:Destination"] = "127.0.0.1:50999",
            [$"PacketEngine:FaultInjection:Paths:0:{key}"] = value,
        }).Build();

        var act = () => new ServiceCollection().AddPacketEngine(configuration);

        act.Should().Throw<PacketEngineException>().WithMessage($"*PacketEngine:FaultInjection:Paths:0:{key}*");
    }
}

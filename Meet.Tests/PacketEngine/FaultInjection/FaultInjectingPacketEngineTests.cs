using System.Buffers.Binary;
using Meet.PacketEngine;
using Meet.PacketEngine.FaultInjection;
using Meet.PacketEngine.FaultInjection.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Meet.Tests.PacketEngine.FaultInjection;

// Long simulated runs (tens of thousands of datagrams, tens of seconds of fake clock) over an
// in-memory engine: the measured loss, delay and rate must match the configuration.
public sealed class FaultInjectingPacketEngineTests
{
    private ManualTimeProvider _time = null!;
    private IPacketEngine _engine = null!;

    [SetUp]
    public void StartClock() => _time = new ManualTimeProvider();

    [TearDown]
    public async Task DisposeEngine()
    {
        if (_engine is not null)
            await _engine.DisposeAsync();
    }

    private sealed class Arrivals(ManualTimeProvider time) : IPacketReceiver
    {
        public List<(int Sequence, double SentMs, double ArrivedMs, int Length)> Items { get; } = [];

        public void OnReceived(IPacketChannel channel, PacketBatch batch)
        {
            for (var i = 0; i < batch.Count; i++)
            {
                var payload = batch[i];
                Items.Add((BinaryPrimitives.ReadInt32BigEndian(payload), BinaryPrimitives.ReadDoubleBigEndian(payload[4..]), time.ElapsedMs, payload.Length));
            }
        }
    }

    private (IPacketChannel Sender, IPacketChannel Receiver, Arrivals Arrivals) Setup(FaultInjectionOptions options)
    {
        _engine = FaultInjectionPacketEngineFactory.Create(new InMemoryPacketEngine(), options, _time);
        var arrivals = new Arrivals(_time);
        var receiver = _engine.Bind(PacketAddress.FromIPv4(0x7F00_0001, 0), PacketProtocol.Udp, arrivals);
        var sender = _engine.Bind(PacketAddress.FromIPv4(0x7F00_0001, 0), PacketProtocol.Udp, new RecordingReceiver());
        return (sender, receiver, arrivals);
    }

    // Sends `count` datagrams of `length` bytes, one every `intervalMs` of fake time, then lets
    // every delayed datagram out.
    private void Run(IPacketChannel sender, IPacketChannel receiver, int count, double intervalMs, int length = 1200)
    {
        var batch = new PacketBatch(1);
        for (var i = 0; i < count; i++)
        {
            batch.Clear();
            var slot = batch.GetNextSlot()[..length];
            slot.Clear();
            BinaryPrimitives.WriteInt32BigEndian(slot, i);
            BinaryPrimitives.WriteDoubleBigEndian(slot[4..], _time.ElapsedMs);
            batch.Commit(length, receiver.LocalAddress);
            sender.Send(batch);
            if (intervalMs > 0)
                _time.Advance(TimeSpan.FromMilliseconds(intervalMs));
        }
        _time.Advance(TimeSpan.FromSeconds(1));
    }

    [Test]
    public void Random_loss_matches_the_configured_rate()
    {
        var (sender, receiver, arrivals) = Setup(new() { Enabled = true, LossRate = 0.1 });

        Run(sender, receiver, 100_000, 0, length: 100);

        var lossRate = 1 - arrivals.Items.Count / 100_000.0;
        lossRate.Should().BeApproximately(0.1, 0.005);
        receiver.Counters.Dropped(DropReason.FaultInjected).Should().Be(100_000 - arrivals.Items.Count);
        receiver.Counters.PacketsIn.Should().Be(100_000, "the backend saw everything; the decorator dropped");
    }

    [Test]
    public void Bursty_loss_matches_the_gilbert_elliott_rate_and_mean_burst_length()
    {
        const double enter = 0.02, exit = 0.25;
        var (sender, receiver, arrivals) = Setup(new() { Enabled = true, BurstEnterProbability = enter, BurstExitProbability = exit });

        Run(sender, receiver, 200_000, 0, length: 100);

        var received = arrivals.Items.Select(a => a.Sequence).ToArray();
        var lossRate = 1 - received.Length / 200_000.0;
        lossRate.Should().BeApproximately(enter / (enter + exit), 0.1 * enter / (enter + exit));
        var bursts = received.Zip(received.Skip(1), (a, b) => b - a - 1).Where(gap => gap > 0).ToArray();
        bursts.Average().Should().BeApproximately(1 / exit, 0.1 / exit);
        bursts.Max().Should().BeGreaterThan(10, "Gilbert-Elliott loss comes in bursts, not singly");
    }

    [Test]
    public void Rate_limit_passes_the_configured_bit_rate_and_drops_the_excess()
    {
        // Offer 1.92 Mbit/s (1,200 B every 5 ms) to a 1 Mbit/s policer for 30 s.
        var (sender, receiver, arrivals) = Setup(new() { Enabled = true, RateLimitBitsPerSecond = 1_000_000, RateLimitBurstBytes = 12_000 });

        Run(sender, receiver, 6000, 5);

        var bitsPerSecond = arrivals.Items.Sum(a => a.Length) * 8.0 / 30;
        bitsPerSecond.Should().BeApproximately(1_000_000, 30_000);
        receiver.Counters.Dropped(DropReason.FaultInjected).Should().Be(6000 - arrivals.Items.Count);
    }

    [Test]
    public void Delay_and_jitter_stay_within_the_configured_range_with_the_configured_mean()
    {
        var (sender, receiver, arrivals) = Setup(new() { Enabled = true, DelayMs = 40, JitterMs = 10 });

        Run(sender, receiver, 5000, 1);

        arrivals.Items.Should().HaveCount(5000);
        var delays = arrivals.Items.Select(a => a.ArrivedMs - a.SentMs).ToArray();
        // The release timer ticks every millisecond, so a delay can run up to 1 ms long.
        delays.Min().Should().BeGreaterThanOrEqualTo(30);
        delays.Max().Should().BeLessThanOrEqualTo(51);
        delays.Average().Should().BeApproximately(40.5, 1);
        arrivals.Items.Select(a => a.Sequence).Should().NotBeInAscendingOrder("20 ms of jitter spread reorders 1 ms spaced datagrams");
    }

    [Test]
    public void Reordering_holds_back_the_configured_share_of_datagrams()
    {
        var (sender, receiver, arrivals) = Setup(new() { Enabled = true, ReorderRate = 0.1, ReorderDelayMs = 20 });

        Run(sender, receiver, 20_000, 1);

        var sequences = arrivals.Items.Select(a => a.Sequence).ToArray();
        sequences.Should().HaveCount(20_000);
        var highest = -1;
        var late = 0;
        foreach (var sequence in sequences)
        {
            if (sequence < highest)
                late++;
            highest = Math.Max(highest, sequence);
        }
        (late / 20_000.0).Should().BeApproximately(0.1, 0.01);
    }

    [Test]
    public void The_same_seed_drops_the_same_datagrams_and_another_seed_does_not()
    {
        int[] RunWithSeed(int seed)
        {
            var engine = FaultInjectionPacketEngineFactory.Create(new InMemoryPacketEngine(), new() { Enabled = true, Seed = seed, LossRate = 0.2, BurstEnterProbability = 0.01 }, _time);
            var arrivals = new Arrivals(_time);
            var receiver = engine.Bind(PacketAddress.FromIPv4(0x7F00_0001, 0), PacketProtocol.Udp, arrivals);
            var sender = engine.Bind(PacketAddress.FromIPv4(0x7F00_0001, 0), PacketProtocol.Udp, new RecordingReceiver());
            Run(sender, receiver, 2000, 0, length: 64);
            return arrivals.Items.Select(a => a.Sequence).ToArray();
        }

        RunWithSeed(7).Should().Equal(RunWithSeed(7));
        RunWithSeed(7).Should().NotEqual(RunWithSeed(8));
    }

    [Test]
    public void Send_direction_faults_count_on_the_sender_and_leave_receiving_alone()
    {
        var (sender, receiver, arrivals) = Setup(new() { Enabled = true, Direction = FaultDirection.Send, LossRate = 0.5 });

        Run(sender, receiver, 10_000, 0, length: 64);

        sender.Counters.Dropped(DropReason.FaultInjected).Should().Be(10_000 - arrivals.Items.Count);
        sender.Counters.PacketsOut.Should().Be(arrivals.Items.Count);
        receiver.Counters.Dropped(DropReason.FaultInjected).Should().Be(0);
        (arrivals.Items.Count / 10_000.0).Should().BeApproximately(0.5, 0.02);
    }

    [Test]
    public void A_protocol_filter_impairs_only_channels_of_that_protocol()
    {
        _engine = FaultInjectionPacketEngineFactory.Create(new InMemoryPacketEngine(),
            new() { Enabled = true, LossRate = 1, Protocol = PacketProtocol.Udp }, _time);
        var udpArrivals = new Arrivals(_time);
        var tcpArrivals = new Arrivals(_time);
        var udp = _engine.Bind(PacketAddress.FromIPv4(0x7F00_0001, 0), PacketProtocol.Udp, udpArrivals);
        var tcp = _engine.Bind(PacketAddress.FromIPv4(0x7F00_0001, 0), PacketProtocol.IceTcp, tcpArrivals);
        var sender = _engine.Bind(PacketAddress.FromIPv4(0x7F00_0001, 0), PacketProtocol.IceTcp, new RecordingReceiver());

        Run(sender, udp, 50, 0, length: 64);
        Run(sender, tcp, 50, 0, length: 64);

        udpArrivals.Items.Should().BeEmpty("every UDP datagram is lost");
        udp.Counters.Dropped(DropReason.FaultInjected).Should().Be(50);
        tcpArrivals.Items.Should().HaveCount(50, "ICE-TCP channels are left as the backend made them");
    }

    [Test]
    public void A_full_delay_line_drops_as_no_buffer()
    {
        var (sender, receiver, arrivals) = Setup(new() { Enabled = true, DelayMs = 100, MaxQueuedPackets = 10 });

        Run(sender, receiver, 25, 0);

        arrivals.Items.Should().HaveCount(10);
        receiver.Counters.Dropped(DropReason.NoBuffer).Should().Be(15);
    }

    [Test]
    public void Replies_from_the_receiver_take_the_impaired_send_path()
    {
        _engine = FaultInjectionPacketEngineFactory.Create(new InMemoryPacketEngine(), new() { Enabled = true, Direction = FaultDirection.Both, DelayMs = 10 }, _time);
        var echo = new RecordingReceiver { OnBatch = (channel, batch) => channel.Send(batch) };
        var server = _engine.Bind(PacketAddress.FromIPv4(0x7F00_0001, 0), PacketProtocol.Udp, echo);
        var arrivals = new Arrivals(_time);
        var client = _engine.Bind(PacketAddress.FromIPv4(0x7F00_0001, 0), PacketProtocol.Udp, arrivals);

        Run(client, server, 1, 0);

        // client send 10 ms + server receive 10 ms + server send 10 ms + client receive 10 ms.
        var reply = arrivals.Items.Should().ContainSingle().Subject;
        (reply.ArrivedMs - reply.SentMs).Should().BeInRange(40, 44);
    }

    [Test]
    public async Task Enabled_configuration_decorates_the_configured_backend()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PacketEngine:FaultInjection:Enabled"] = "true",
            ["PacketEngine:FaultInjection:LossRate"] = "0.05",
            ["PacketEngine:FaultInjection:Direction"] = "Both",
        }).Build();
        await using var services = new ServiceCollection().AddPacketEngine(configuration).BuildServiceProvider();

        var engine = services.GetRequiredService<IPacketEngine>();

        engine.Should().BeOfType<FaultInjectingPacketEngine>();
        engine.Backend.Should().Be(PacketEngineBackend.Sockets);
    }

    [Test]
    public async Task Disabled_configuration_leaves_the_backend_as_it_is()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PacketEngine:FaultInjection:LossRate"] = "0.05",
        }).Build();
        await using var services = new ServiceCollection().AddPacketEngine(configuration).BuildServiceProvider();

        services.GetRequiredService<IPacketEngine>().Should().NotBeOfType<FaultInjectingPacketEngine>();
    }

    [TestCase("LossRate", "1.5")]
    [TestCase("DelayMs", "-1")]
    [TestCase("BurstExitProbability", "0")]
    public void An_invalid_value_fails_naming_the_key(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PacketEngine:FaultInjection:Enabled"] = "true",
            ["PacketEngine:FaultInjection:BurstEnterProbability"] = "0.1",
            [$"PacketEngine:FaultInjection:{key}"] = value,
        }).Build();

        var add = () => new ServiceCollection().AddPacketEngine(configuration);

        add.Should().Throw<PacketEngineException>().WithMessage($"*PacketEngine:FaultInjection:{key} *");
    }
}

using System.Buffers.Binary;
using System.Net.Sockets;
using Meet.PacketEngine;

namespace Meet.Tests.PacketEngine;

// The behaviour every backend must show through IPacketEngine. A backend's test fixture derives
// from this class and supplies the engine (and, where a kernel socket cannot reach it, a way to
// inject raw datagrams).
public abstract class PacketEngineContractTests
{
    private const int HangGuardMs = 10_000;

    private IPacketEngine _engine = null!;

    protected IPacketEngine Engine => _engine;

    protected abstract IPacketEngine CreateEngine();

    /// <summary>Where channels are bound; port 0 lets the backend pick.</summary>
    protected virtual PacketAddress BindAddress => PacketAddress.FromIPv4(0x7F00_0001, 0);

    /// <summary>A datagram length the backend's slots cannot hold.</summary>
    protected virtual int OversizedLength => 4000;

    /// <summary>Sends a datagram from outside the engine (default: a kernel UDP socket on loopback).</summary>
    protected virtual void InjectDatagram(PacketAddress destination, ReadOnlySpan<byte> payload)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.SendTo(payload, SocketFlags.None, destination.ToEndPoint());
    }

    [SetUp]
    public void CreateEngineUnderTest() => _engine = CreateEngine();

    // The dispose tests below guard against a hang; here the engine is simply released.
    [TearDown]
    public async Task DisposeEngineUnderTest() => await _engine.DisposeAsync();

    protected IPacketChannel Bind(IPacketReceiver receiver) => Engine.Bind(BindAddress, PacketProtocol.Udp, receiver);

    [Test]
    public void Bind_picks_a_port_and_reports_the_protocol_with_zero_counters()
    {
        var channel = Bind(new RecordingReceiver());

        channel.LocalAddress.Port.Should().NotBe(0);
        channel.Protocol.Should().Be(PacketProtocol.Udp);
        channel.Counters.PacketsIn.Should().Be(0);
        channel.Counters.PacketsOut.Should().Be(0);
        channel.Counters.TotalDropped.Should().Be(0);
    }

    [Test]
    public void Many_datagrams_arrive_intact_with_the_sender_as_remote_address()
    {
        const int total = 3000;
        var receiver = new RecordingReceiver();
        var destination = Bind(receiver);
        var source = Bind(new RecordingReceiver());
        var batch = new PacketBatch(32);

        var sent = 0;
        while (sent < total)
        {
            batch.Clear();
            for (var i = 0; i < batch.Capacity && sent < total; i++, sent++)
            {
                var slot = batch.GetNextSlot();
                var length = 100 + sent % 1100;
                FillPayload(slot[..length], sent);
                batch.Commit(length, destination.LocalAddress);
            }
            source.Send(batch).Should().Be(batch.Count);
            // Keep the window within even an unprivileged receive buffer (rmem_max, ~90 datagrams):
            // the test checks delivery, not capacity.
            receiver.WaitFor(sent - 64).Should().BeTrue();
        }
        receiver.WaitFor(total).Should().BeTrue();

        var datagrams = receiver.Datagrams;
        datagrams.Should().HaveCount(total);
        datagrams.Should().OnlyContain(d => d.From == source.LocalAddress);
        var sequences = datagrams.Select(d => ReadAndCheckPayload(d.Payload)).ToHashSet();
        sequences.Should().BeEquivalentTo(Enumerable.Range(0, total));
    }

    [Test]
    public void One_batch_reaches_every_destination_it_names()
    {
        var first = new RecordingReceiver();
        var second = new RecordingReceiver();
        var a = Bind(first);
        var b = Bind(second);
        var source = Bind(new RecordingReceiver());
        var batch = new PacketBatch(10);
        for (var i = 0; i < 10; i++)
            batch.TryAdd(Payload(i, 200), i % 2 == 0 ? a.LocalAddress : b.LocalAddress).Should().BeTrue();

        source.Send(batch).Should().Be(10);

        first.WaitFor(5).Should().BeTrue();
        second.WaitFor(5).Should().BeTrue();
        first.Datagrams.Select(d => ReadAndCheckPayload(d.Payload)).Should().BeEquivalentTo([0, 2, 4, 6, 8]);
        second.Datagrams.Select(d => ReadAndCheckPayload(d.Payload)).Should().BeEquivalentTo([1, 3, 5, 7, 9]);
    }

    [Test]
    public void A_burst_of_equal_datagrams_to_one_destination_arrives_as_separate_datagrams()
    {
        // Shape of an SFU fan-out (several packets of one frame to one subscriber) and the case
        // a backend may coalesce (UDP GSO); the last, shorter datagram ends such a run.
        var receiver = new RecordingReceiver();
        var destination = Bind(receiver);
        var source = Bind(new RecordingReceiver());
        var batch = new PacketBatch(9);
        for (var i = 0; i < 8; i++)
            batch.TryAdd(Payload(i, 1200), destination.LocalAddress);
        batch.TryAdd(Payload(8, 300), destination.LocalAddress);

        source.Send(batch).Should().Be(9);

        receiver.WaitFor(9).Should().BeTrue();
        var datagrams = receiver.Datagrams;
        datagrams.Select(d => d.Payload.Length).Should().BeEquivalentTo([1200, 1200, 1200, 1200, 1200, 1200, 1200, 1200, 300]);
        datagrams.Select(d => ReadAndCheckPayload(d.Payload)).Should().BeEquivalentTo(Enumerable.Range(0, 9));
    }

    [Test]
    public void Counters_count_packets_and_bytes_in_and_out()
    {
        var receiver = new RecordingReceiver();
        var destination = Bind(receiver);
        var source = Bind(new RecordingReceiver());
        var batch = new PacketBatch(4);
        batch.TryAdd(Payload(0, 100), destination.LocalAddress);
        batch.TryAdd(Payload(1, 200), destination.LocalAddress);
        batch.TryAdd(Payload(2, 300), destination.LocalAddress);

        source.Send(batch);
        receiver.WaitFor(3).Should().BeTrue();

        source.Counters.PacketsOut.Should().Be(3);
        source.Counters.BytesOut.Should().Be(600);
        Poll.Until(() => destination.Counters.PacketsIn == 3).Should().BeTrue();
        destination.Counters.BytesIn.Should().Be(600);
        destination.Counters.TotalDropped.Should().Be(0);
    }

    [Test]
    public void An_oversized_datagram_is_counted_and_dropped_and_receiving_continues()
    {
        var receiver = new RecordingReceiver();
        var channel = Bind(receiver);

        InjectDatagram(channel.LocalAddress, new byte[OversizedLength]);
        InjectDatagram(channel.LocalAddress, Payload(7, 500));

        receiver.WaitFor(1).Should().BeTrue();
        Poll.Until(() => channel.Counters.Dropped(DropReason.Oversized) == 1).Should().BeTrue();
        receiver.Datagrams.Should().ContainSingle().Which.Payload.Length.Should().Be(500);
        channel.Counters.PacketsIn.Should().Be(1);
    }

    [Test]
    public void A_receiver_can_reply_from_inside_the_callback()
    {
        var echo = new RecordingReceiver
        {
            OnBatch = (channel, batch) =>
            {
                for (var i = 0; i < batch.Count; i++)
                    batch[i][0] ^= 0xFF;
                channel.Send(batch);
            },
        };
        var server = Bind(echo);
        var clientReceiver = new RecordingReceiver();
        var client = Bind(clientReceiver);
        var batch = new PacketBatch(8);
        for (var i = 0; i < 8; i++)
            batch.TryAdd(Payload(i, 1200), server.LocalAddress);

        client.Send(batch);

        clientReceiver.WaitFor(8).Should().BeTrue();
        clientReceiver.Datagrams.Should().OnlyContain(d => d.From == server.LocalAddress && d.Payload[0] == 0xFF);
    }

    [Test]
    public void A_throwing_receiver_is_counted_and_the_channel_keeps_delivering()
    {
        var calls = 0;
        var receiver = new RecordingReceiver
        {
            OnBatch = (_, _) =>
            {
                if (Interlocked.Increment(ref calls) == 1)
                    throw new InvalidOperationException("receiver bug");
            },
        };
        var channel = Bind(receiver);

        InjectDatagram(channel.LocalAddress, Payload(0, 100));
        Poll.Until(() => channel.Counters.Dropped(DropReason.ReceiverFault) == 1).Should().BeTrue();
        InjectDatagram(channel.LocalAddress, Payload(1, 100));

        receiver.WaitFor(1).Should().BeTrue();
        receiver.Datagrams.Should().ContainSingle().Which.Payload.Should().Equal(Payload(1, 100));
    }

    [Test]
    public void A_disposed_channel_completes_stops_delivering_and_refuses_sends()
    {
        var receiver = new RecordingReceiver();
        var channel = Bind(receiver);
        var address = channel.LocalAddress;
        InjectDatagram(address, Payload(0, 100));
        receiver.WaitFor(1).Should().BeTrue();

        channel.DisposeAsync().AsTask().Wait(HangGuardMs).Should().BeTrue();
        InjectDatagram(address, Payload(1, 100));
        var batch = new PacketBatch(1);
        batch.TryAdd(Payload(2, 100), address);

        channel.Send(batch).Should().Be(0);
        channel.Counters.Dropped(DropReason.SendFailed).Should().Be(1);
        Thread.Sleep(50);
        receiver.Count.Should().Be(1);
    }

    [Test]
    public void Disposing_the_engine_closes_its_open_channels()
    {
        var receivers = Enumerable.Range(0, 4).Select(_ => new RecordingReceiver()).ToArray();
        var channels = receivers.Select(Bind).ToArray();

        Engine.DisposeAsync().AsTask().Wait(HangGuardMs).Should().BeTrue();

        var batch = new PacketBatch(1);
        batch.TryAdd(Payload(0, 100), channels[1].LocalAddress);
        channels[0].Send(batch).Should().Be(0);
    }

    protected static byte[] Payload(int sequence, int length)
    {
        var payload = new byte[length];
        FillPayload(payload, sequence);
        return payload;
    }

    // Sequence number first, then a pattern derived from it, so a corrupted or mixed-up
    // datagram is detected and not just counted.
    protected static void FillPayload(Span<byte> payload, int sequence)
    {
        BinaryPrimitives.WriteInt32BigEndian(payload, sequence);
        for (var i = 4; i < payload.Length; i++)
            payload[i] = (byte)(sequence * 31 + i);
    }

    protected static int ReadAndCheckPayload(byte[] payload)
    {
        var sequence = BinaryPrimitives.ReadInt32BigEndian(payload);
        for (var i = 4; i < payload.Length; i++)
            payload[i].Should().Be((byte)(sequence * 31 + i), "byte {0} of datagram {1}", i, sequence);
        return sequence;
    }
}

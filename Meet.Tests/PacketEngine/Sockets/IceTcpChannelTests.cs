using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Meet.PacketEngine;
using Meet.PacketEngine.Sockets;
using Meet.PacketEngine.Sockets.Internal;

namespace Meet.Tests.PacketEngine.Sockets;

public sealed class IceTcpChannelTests
{
    private IPacketEngine _engine = null!;

    [SetUp]
    public void CreateEngine() =>
        _engine = SocketsPacketEngineFactory.Create(new SocketsPacketEngineOptions { SlotSize = 1500, MaxIceTcpConnections = 3 });

    [TearDown]
    public async Task DisposeEngine() => await _engine.DisposeAsync();

    private IceTcpChannel Listen(IPacketReceiver receiver) =>
        (IceTcpChannel)_engine.Bind(PacketAddress.FromIPv4(0x7F00_0001, 0), PacketProtocol.IceTcp, receiver);

    private static Socket Connect(IPacketChannel channel)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 10_000 };
        client.Connect(channel.LocalAddress.ToEndPoint());
        return client;
    }

    private static byte[] Frame(int sequence, int length)
    {
        var frame = new byte[2 + length];
        BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)length);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(2), sequence);
        frame.AsSpan(6).Fill((byte)sequence);
        return frame;
    }

    [Test]
    public void A_frame_split_into_single_byte_writes_arrives_once_whole()
    {
        var receiver = new RecordingReceiver();
        var channel = Listen(receiver);
        using var client = Connect(channel);
        var frame = Frame(42, 1200);

        foreach (var b in frame)
        {
            client.Send([b]);
            if (receiver.Count > 0)
                break;
        }

        receiver.WaitFor(1).Should().BeTrue();
        var datagram = receiver.Datagrams.Should().ContainSingle().Subject;
        datagram.Payload.Should().Equal(frame[2..]);
        datagram.From.Should().Be(PacketAddress.FromEndPoint((IPEndPoint)client.LocalEndPoint!));
    }

    [Test]
    public void Frames_coalesced_in_one_write_arrive_separately_in_order()
    {
        var receiver = new RecordingReceiver();
        var channel = Listen(receiver);
        using var client = Connect(channel);
        var frames = Enumerable.Range(0, 100).Select(i => Frame(i, 20 + i)).ToArray();
        // Splits that cut through length prefixes and payloads alike.
        var stream = frames.SelectMany(f => f).ToArray();

        client.Send(stream.AsSpan(0, 1001));
        client.Send(stream.AsSpan(1001, 1));
        client.Send(stream.AsSpan(1002));

        receiver.WaitFor(100).Should().BeTrue();
        receiver.Datagrams.Select(d => d.Payload).Should().Equal(frames.Select(f => f[2..]), (a, b) => a.SequenceEqual(b));
        channel.Counters.PacketsIn.Should().Be(100);
        channel.Counters.BytesIn.Should().Be(frames.Sum(f => f.Length - 2));
    }

    [Test]
    public void Send_to_a_connected_peer_writes_a_framed_datagram_on_its_connection()
    {
        var echo = new RecordingReceiver { OnBatch = (channel, batch) => channel.Send(batch) };
        var channel = Listen(echo);
        using var client = Connect(channel);
        var frame = Frame(7, 500);

        client.Send(frame);

        var reply = new byte[frame.Length];
        var read = 0;
        while (read < reply.Length)
            read += client.Receive(reply.AsSpan(read));
        reply.Should().Equal(frame);
        channel.Counters.PacketsOut.Should().Be(1);
    }

    [Test]
    public void An_oversized_length_prefix_closes_only_that_connection()
    {
        var receiver = new RecordingReceiver();
        var channel = Listen(receiver);
        using var good = Connect(channel);
        using var bad = Connect(channel);
        Poll.Until(() => channel.ConnectionCount == 2).Should().BeTrue();

        bad.Send([0x06, 0x00, 1, 2, 3]);

        bad.Receive(new byte[16]).Should().Be(0, "the engine closes the offending connection");
        channel.Counters.Dropped(DropReason.BadFraming).Should().Be(1);
        Poll.Until(() => channel.ConnectionCount == 1).Should().BeTrue();
        good.Send(Frame(1, 100));
        receiver.WaitFor(1).Should().BeTrue();
        receiver.Datagrams.Should().ContainSingle().Which.From.Should().Be(PacketAddress.FromEndPoint((IPEndPoint)good.LocalEndPoint!));
    }

    [Test]
    public void Sending_to_an_address_without_a_connection_counts_unknown_peer()
    {
        var channel = Listen(new RecordingReceiver());
        var batch = new PacketBatch(1);
        batch.TryAdd(new byte[10], PacketAddress.FromIPv4(0x7F00_0001, 9));

        channel.Send(batch).Should().Be(0);

        channel.Counters.Dropped(DropReason.UnknownPeer).Should().Be(1);
    }

    [Test]
    public void Connections_beyond_the_limit_are_closed_on_accept()
    {
        var channel = Listen(new RecordingReceiver());
        var clients = Enumerable.Range(0, 3).Select(_ => Connect(channel)).ToList();
        try
        {
            Poll.Until(() => channel.ConnectionCount == 3).Should().BeTrue();
            using var extra = Connect(channel);

            extra.Receive(new byte[4]).Should().Be(0);
            channel.ConnectionCount.Should().Be(3);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Test]
    public void A_peer_closing_its_connection_is_forgotten()
    {
        var channel = Listen(new RecordingReceiver());
        var client = Connect(channel);
        Poll.Until(() => channel.ConnectionCount == 1).Should().BeTrue();

        client.Dispose();

        Poll.Until(() => channel.ConnectionCount == 0).Should().BeTrue();
    }

    [Test]
    public void Disposing_the_listener_closes_open_connections_without_hanging()
    {
        var channel = Listen(new RecordingReceiver());
        using var client = Connect(channel);
        Poll.Until(() => channel.ConnectionCount == 1).Should().BeTrue();

        channel.DisposeAsync().AsTask().Wait(10_000).Should().BeTrue();

        client.Receive(new byte[4]).Should().Be(0);
    }
}

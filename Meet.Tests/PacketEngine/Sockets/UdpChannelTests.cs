using System.Net;
using System.Net.Sockets;
using Meet.PacketEngine;
using Meet.PacketEngine.Sockets;
using Meet.PacketEngine.Sockets.Internal;

namespace Meet.Tests.PacketEngine.Sockets;

public sealed class UdpChannelTests
{
    private static readonly PacketAddress Loopback = PacketAddress.FromIPv4(0x7F00_0001, 0);
    private static readonly PacketAddress PeerA = PacketAddress.FromIPv4(0x7F00_0001, 5000);
    private static readonly PacketAddress PeerB = PacketAddress.FromIPv4(0x7F00_0001, 5001);

    [Test]
    public async Task Gso_is_switched_on_for_loopback_when_configured_and_off_when_not()
    {
        await using var withGso = SocketsPacketEngineFactory.Create(new SocketsPacketEngineOptions { ReceiveLoops = 1 });
        await using var withoutGso = SocketsPacketEngineFactory.Create(new SocketsPacketEngineOptions { ReceiveLoops = 1, UseGso = false });

        var on = (UdpChannel)withGso.Bind(Loopback, PacketProtocol.Udp, new RecordingReceiver());
        var off = (UdpChannel)withoutGso.Bind(Loopback, PacketProtocol.Udp, new RecordingReceiver());

        on.GsoEnabled.Should().BeTrue("this kernel supports UDP_SEGMENT (Linux 4.18+)");
        off.GsoEnabled.Should().BeFalse();
    }

    [Test]
    public async Task When_the_kernel_refuses_gso_the_burst_is_resent_plainly_and_gso_stays_off()
    {
        await using var engine = SocketsPacketEngineFactory.Create(new SocketsPacketEngineOptions { ReceiveLoops = 1 });
        var receiver = new RecordingReceiver();
        var destination = engine.Bind(Loopback, PacketProtocol.Udp, receiver);
        var source = (UdpChannel)engine.Bind(Loopback, PacketProtocol.Udp, new RecordingReceiver());
        // SO_NO_CHECK (no UDP checksums) makes Linux refuse UDP_SEGMENT sends with EINVAL
        // (udp_send_skb), the same refusal a device without checksum offload gives (EIO).
        source.SendSocket.SetRawSocketOption(1, 11, BitConverter.GetBytes(1));
        var batch = new PacketBatch(8);
        for (var i = 0; i < 8; i++)
            batch.TryAdd(new byte[1000], destination.LocalAddress);

        source.Send(batch).Should().Be(8);
        source.Send(batch).Should().Be(8);

        receiver.WaitFor(16).Should().BeTrue();
        source.GsoEnabled.Should().BeFalse();
        source.Counters.PacketsOut.Should().Be(16);
        source.Counters.Dropped(DropReason.SendFailed).Should().Be(0);
    }

    [Test]
    public async Task A_run_of_datagrams_to_one_destination_leaves_as_one_kernel_message_and_arrives_whole()
    {
        await using var engine = SocketsPacketEngineFactory.Create(new SocketsPacketEngineOptions { ReceiveLoops = 1 });
        var receiver = new RecordingReceiver();
        var destination = engine.Bind(Loopback, PacketProtocol.Udp, receiver);
        var source = (UdpChannel)engine.Bind(Loopback, PacketProtocol.Udp, new RecordingReceiver());
        var batch = new PacketBatch(8);
        // A frame of three packets: two full, a shorter last one (what GSO allows), then one more elsewhere.
        batch.TryAdd(new byte[1200], destination.LocalAddress);
        batch.TryAdd(new byte[1200], destination.LocalAddress);
        batch.TryAdd(new byte[700], destination.LocalAddress);

        source.Send(batch).Should().Be(3);

        receiver.WaitFor(3).Should().BeTrue("the kernel splits the GSO message back into its datagrams");
        source.Counters.SendMessages.Should().Be(1, "one UDP_SEGMENT message carried all three");
        source.Counters.PacketsOut.Should().Be(3);
    }

    [Test]
    public async Task A_send_order_grouping_two_interleaved_destinations_gives_one_gso_message_each_in_order()
    {
        await using var engine = SocketsPacketEngineFactory.Create(new SocketsPacketEngineOptions { ReceiveLoops = 1 });
        var first = new RecordingReceiver();
        var second = new RecordingReceiver();
        var a = engine.Bind(Loopback, PacketProtocol.Udp, first);
        var b = engine.Bind(Loopback, PacketProtocol.Udp, second);
        var source = (UdpChannel)engine.Bind(Loopback, PacketProtocol.Udp, new RecordingReceiver());
        var batch = new PacketBatch(8);
        // Fan-out order: packet k to a, then to b; the marker byte says which packet it is.
        for (byte k = 1; k <= 3; k++)
        {
            batch.TryAdd(Enumerable.Repeat(k, k == 3 ? 600 : 1000).ToArray(), a.LocalAddress);
            batch.TryAdd(Enumerable.Repeat(k, k == 3 ? 600 : 1000).ToArray(), b.LocalAddress);
        }
        batch.SetSendOrder([0, 2, 4, 1, 3, 5]);

        source.Send(batch).Should().Be(6);

        first.WaitFor(3).Should().BeTrue();
        second.WaitFor(3).Should().BeTrue();
        source.Counters.SendMessages.Should().Be(2, "one GSO message per destination");
        first.Datagrams.Select(d => d.Payload[0]).Should().Equal(1, 2, 3);
        second.Datagrams.Select(d => d.Payload[0]).Should().Equal(1, 2, 3);
    }

    [Test]
    public void Gso_groups_equal_datagrams_to_one_destination_up_to_the_segment_limit()
    {
        int[] lengths = [1200, 1200, 1200, 1200, 1200];
        PacketAddress[] addresses = [PeerA, PeerA, PeerA, PeerA, PeerA];

        UdpChannel.CountGsoSegments(lengths, addresses, 0, 64).Should().Be(5);
        UdpChannel.CountGsoSegments(lengths, addresses, 0, 3).Should().Be(3);
        UdpChannel.CountGsoSegments(lengths, addresses, 3, 64).Should().Be(2);
    }

    [Test]
    public void Gso_run_ends_at_another_destination_a_longer_datagram_or_after_a_shorter_one()
    {
        int[] lengths = [1200, 1200, 1200, 1300, 1200, 800, 1200];
        PacketAddress[] addresses = [PeerA, PeerA, PeerB, PeerB, PeerB, PeerB, PeerB];

        UdpChannel.CountGsoSegments(lengths, addresses, 0, 64).Should().Be(2, "the third goes elsewhere");
        UdpChannel.CountGsoSegments(lengths, addresses, 2, 64).Should().Be(1, "a longer datagram cannot follow");
        UdpChannel.CountGsoSegments(lengths, addresses, 4, 64).Should().Be(2, "a shorter datagram ends the run");
    }

    [Test]
    public void Gso_run_stays_within_one_udp_datagrams_size_and_skips_empty_datagrams()
    {
        var lengths = Enumerable.Repeat(1400, 64).ToArray();
        var addresses = Enumerable.Repeat(PeerA, 64).ToArray();

        UdpChannel.CountGsoSegments(lengths, addresses, 0, 64).Should().Be(UdpChannel.MaxGsoBytes / 1400);
        UdpChannel.CountGsoSegments([0, 0], [PeerA, PeerA], 0, 64).Should().Be(1);
    }

    [FsCheck.NUnit.Property]
    public FsCheck.Property Gso_runs_hold_one_destination_equal_sizes_but_a_shorter_last_and_fit_one_datagram() =>
        FsCheck.Fluent.Prop.ForAll(
            FsCheck.Fluent.ArbMap.Default.ArbFor<(byte Destination, bool Short)[]>(),
            shape =>
            {
                if (shape.Length == 0)
                    return true;
                // Mostly 1,200-byte datagrams to a few destinations, some shorter, like an SFU's fan-out.
                var lengths = shape.Select(s => s.Short ? 300 : 1200).ToArray();
                var addresses = shape.Select(s => PacketAddress.FromIPv4(0x7F00_0001, (ushort)(5000 + s.Destination % 3))).ToArray();
                for (var start = 0; start < lengths.Length;)
                {
                    var segments = UdpChannel.CountGsoSegments(lengths, addresses, start, 64);
                    var run = Enumerable.Range(start, segments).ToArray();
                    var ok = segments >= 1 && segments <= 64
                        && run.All(i => addresses[i] == addresses[start])
                        && run[..^1].All(i => lengths[i] == lengths[start])
                        && lengths[run[^1]] <= lengths[start]
                        && run.Sum(i => lengths[i]) <= UdpChannel.MaxGsoBytes;
                    if (!ok)
                        return false;
                    start += segments;
                }
                return true;
            });

    [Test]
    public async Task Several_receive_loops_share_one_port_and_serve_every_peer()
    {
        await using var engine = SocketsPacketEngineFactory.Create(new SocketsPacketEngineOptions { ReceiveLoops = 3 });
        var receiver = new RecordingReceiver();
        var channel = engine.Bind(Loopback, PacketProtocol.Udp, receiver);
        var peers = Enumerable.Range(0, 8).Select(_ => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)).ToArray();
        try
        {
            foreach (var peer in peers)
            {
                peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                for (var i = 0; i < 20; i++)
                    peer.SendTo(new byte[100], channel.LocalAddress.ToEndPoint());
            }

            receiver.WaitFor(160).Should().BeTrue();
            receiver.Datagrams.Select(d => d.From).Distinct().Should().BeEquivalentTo(
                peers.Select(p => PacketAddress.FromEndPoint((IPEndPoint)p.LocalEndPoint!)));
        }
        finally
        {
            foreach (var peer in peers)
                peer.Dispose();
        }
    }

    [TestCase(SocketsPath.Batched)]
    [TestCase(SocketsPath.Gso)]
    public async Task A_batch_longer_than_one_sendmmsg_call_is_sent_completely(SocketsPath path)
    {
        // 300 datagrams rotating over three destinations: 300 messages, more than the 256 one
        // sendmmsg call carries, and no GSO runs to shorten them.
        await using var engine = SocketsPacketEngineFactory.Create(SocketsPacketEngineContractTests.OptionsFor(path));
        var receivers = Enumerable.Range(0, 3).Select(_ => new RecordingReceiver()).ToArray();
        var destinations = receivers.Select(r => engine.Bind(Loopback, PacketProtocol.Udp, r)).ToArray();
        var source = engine.Bind(Loopback, PacketProtocol.Udp, new RecordingReceiver());
        var batch = new PacketBatch(300, 256);
        for (var i = 0; i < 300; i++)
            batch.TryAdd(BitConverter.GetBytes(i), destinations[i % 3].LocalAddress);

        source.Send(batch).Should().Be(300);

        foreach (var (receiver, index) in receivers.Select((r, i) => (r, i)))
        {
            receiver.WaitFor(100).Should().BeTrue();
            receiver.Datagrams.Select(d => BitConverter.ToInt32(d.Payload)).Should()
                .BeEquivalentTo(Enumerable.Range(0, 300).Where(i => i % 3 == index));
        }
    }

    [TestCase(SocketsPath.Plain)]
    [TestCase(SocketsPath.Batched)]
    public async Task Sending_to_ipv6_from_an_ipv4_channel_is_counted_as_send_failed(SocketsPath path)
    {
        await using var engine = SocketsPacketEngineFactory.Create(SocketsPacketEngineContractTests.OptionsFor(path));
        var channel = engine.Bind(Loopback, PacketProtocol.Udp, new RecordingReceiver());
        var batch = new PacketBatch(2);
        batch.TryAdd(new byte[10], PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.IPv6Loopback, 9)));
        batch.TryAdd(new byte[10], channel.LocalAddress);

        channel.Send(batch).Should().Be(1);
        channel.Counters.Dropped(DropReason.SendFailed).Should().Be(1);
    }

    [TestCase(SocketsPath.Plain)]
    [TestCase(SocketsPath.Gso)]
    public async Task Dual_stack_channel_serves_ipv4_and_ipv6_peers(SocketsPath path)
    {
        await using var engine = SocketsPacketEngineFactory.Create(SocketsPacketEngineContractTests.OptionsFor(path));
        var receiver = new RecordingReceiver();
        var channel = engine.Bind(PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.IPv6Any, 0)), PacketProtocol.Udp, receiver);
        using var v4 = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var v6 = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
        v4.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        v6.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));

        v4.SendTo(new byte[10], new IPEndPoint(IPAddress.Loopback, channel.LocalAddress.Port));
        v6.SendTo(new byte[20], new IPEndPoint(IPAddress.IPv6Loopback, channel.LocalAddress.Port));
        receiver.WaitFor(2).Should().BeTrue();

        var from = receiver.Datagrams.Select(d => d.From).ToList();
        from.Should().BeEquivalentTo([PacketAddress.FromEndPoint((IPEndPoint)v4.LocalEndPoint!), PacketAddress.FromEndPoint((IPEndPoint)v6.LocalEndPoint!)]);

        var reply = new PacketBatch(2);
        foreach (var address in from)
            reply.TryAdd(new byte[5], address);
        channel.Send(reply).Should().Be(2);
        var buffer = new byte[64];
        v4.ReceiveTimeout = v6.ReceiveTimeout = 10_000;
        v4.Receive(buffer).Should().Be(5);
        v6.Receive(buffer).Should().Be(5);
    }
}

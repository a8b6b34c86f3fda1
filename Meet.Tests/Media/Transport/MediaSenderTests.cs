using System.Net;
using Meet.Modules.Media.Protocols.Srtp;
using Meet.Modules.Media.Protocols.Srtp.Crypto;
using Meet.Modules.Media.Transport;
using Meet.PacketEngine;
using Meet.Tests.Media.Protocols.Srtp;

namespace Meet.Tests.Media.Transport;

// ICE-TCP routing (issue 12): datagrams to peers that reached us over the TCP listener leave through
// it, everything else through the UDP channel, whatever order they were written in.
[TestFixture]
public sealed class MediaSenderTests
{
    private static readonly PacketAddress UdpPeer = PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, 5000));
    private static readonly PacketAddress TcpPeer = PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, 6000));

    [Test]
    public void A_batch_is_split_between_the_udp_and_the_tcp_channel_by_destination()
    {
        var (sender, udp, tcp) = Create();
        sender.AddTcpPeer(TcpPeer);

        Write(sender, 1, UdpPeer);
        Write(sender, 2, TcpPeer);
        Write(sender, 3, UdpPeer);
        Write(sender, 4, TcpPeer);
        sender.Flush();

        udp.Sent.Should().Equal((1, UdpPeer), (3, UdpPeer));
        tcp.Sent.Should().Equal((2, TcpPeer), (4, TcpPeer));
    }

    [Test]
    public void Without_tcp_peers_everything_goes_to_udp_and_a_removed_peer_goes_back_to_udp()
    {
        var (sender, udp, tcp) = Create();
        Write(sender, 1, TcpPeer);
        sender.Flush();
        sender.AddTcpPeer(TcpPeer);
        sender.AddTcpPeer(TcpPeer);
        sender.TcpPeerCount.Should().Be(1, "adding twice counts once");
        sender.RemoveTcpPeer(TcpPeer);
        sender.RemoveTcpPeer(TcpPeer);
        sender.TcpPeerCount.Should().Be(0);
        Write(sender, 2, TcpPeer);
        sender.Flush();

        udp.Sent.Should().Equal((1, TcpPeer), (2, TcpPeer));
        tcp.Sent.Should().BeEmpty();
        sender.IsTcpPeer(TcpPeer).Should().BeFalse();
    }

    [Test]
    public void Two_senders_writing_on_one_thread_each_send_through_their_own_channel()
    {
        // Two hosts in one process share the thread's batch; neither may send the other's packets.
        var (first, firstUdp, _) = Create();
        var (second, secondUdp, _) = Create();

        Write(first, 1, UdpPeer);
        Write(second, 2, UdpPeer);
        second.Flush();
        first.Flush();
        Write(first, 3, UdpPeer);
        second.Flush();

        firstUdp.Sent.Should().Equal((1, UdpPeer));
        secondUdp.Sent.Should().Equal((2, UdpPeer));
        first.Flush();
        firstUdp.Sent.Should().Equal((1, UdpPeer), (3, UdpPeer));
    }

    private static readonly PacketAddress Subscriber3 = PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, 7000));

    [Test]
    public void A_flushed_batch_is_grouped_by_destination_keeping_each_destinations_order()
    {
        // The fan-out writes packet 1 to every subscriber, then packet 2, ...: grouped, each subscriber's
        // packets are neighbours (one GSO send), in the order they were written, first destination first.
        var (sender, udp, _) = Create();
        for (byte packet = 1; packet <= 3; packet++)
        {
            Write(sender, (byte)(10 + packet), UdpPeer);
            Write(sender, (byte)(20 + packet), TcpPeer);
            Write(sender, (byte)(30 + packet), Subscriber3);
        }
        sender.Flush();

        udp.Sent.Should().Equal((11, UdpPeer), (12, UdpPeer), (13, UdpPeer), (21, TcpPeer), (22, TcpPeer), (23, TcpPeer),
            (31, Subscriber3), (32, Subscriber3), (33, Subscriber3));
    }

    [Test]
    public void A_fan_out_wider_than_a_batch_grows_the_batch_up_to_the_limit_instead_of_sending_early()
    {
        var (sender, udp, _) = Create();
        sender.MaxBatchCapacity = 256;
        var subscribers = Enumerable.Range(0, 100).Select(i => PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, 10000 + i))).ToList();
        for (byte packet = 1; packet <= 3; packet++)
        {
            foreach (var subscriber in subscribers)
                Write(sender, packet, subscriber);
        }

        udp.Sent.Should().HaveCount(256, "the batch grew from 64 to 256 and was sent once full");
        udp.Sends.Should().Be(1);
        sender.Flush();
        udp.Sent.Should().HaveCount(300);
        foreach (var subscriber in subscribers)
            udp.Sent.Where(s => s.Destination == subscriber).Select(s => s.Marker).Should().Equal([1, 2, 3], "each subscriber's packets in order");
        // The first full batch held packets 1 and 2 for everyone and packet 3 for the first 56: grouped,
        // each of those subscribers' packets were neighbours.
        udp.Sent.Take(3).Should().Equal((1, subscribers[0]), (2, subscribers[0]), (3, subscribers[0]));
    }

    [Test]
    public void Without_grouping_the_batch_keeps_fan_out_order()
    {
        var (sender, udp, _) = Create();
        sender.GroupByDestination = false;
        var subscribers = Enumerable.Range(0, 40).Select(i => PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, 10000 + i))).ToList();
        for (byte packet = 1; packet <= 2; packet++)
        {
            foreach (var subscriber in subscribers)
                Write(sender, packet, subscriber);
        }
        sender.Flush();

        udp.Sent.Should().Equal(subscribers.Select(s => ((byte)1, s)).Concat(subscribers.Select(s => ((byte)2, s))), "the order written");
    }

    // Issue 14: packets whose SRTP encryption is left to the thread's multi-buffer batch leave encrypted
    // and valid, also when the send batch grows (its slots copied) and when it fills and is sent early.
    [Test]
    public void Packets_left_to_the_srtp_batch_leave_encrypted_across_growth_and_early_sends()
    {
        var (sender, udp, _) = Create();
        sender.MaxBatchCapacity = 256;
        var srtpBatch = sender.SrtpBatch;
        if (AesNiGcmBatch.IsSupported)
            srtpBatch.Should().NotBeNull("batching is on by default");
        else
            srtpBatch.Should().BeNull("this CPU cannot batch");
        const int subscribers = 30;
        var protectors = new SrtpContext[subscribers];
        var receivers = new SrtpContext[subscribers];
        var destinations = new PacketAddress[subscribers];
        for (var s = 0; s < subscribers; s++)
        {
            var keys = SrtpTestData.Keys(SrtpProtectionProfile.AeadAes128Gcm, (byte)(s + 1));
            protectors[s] = new SrtpContext(keys);
            receivers[s] = new SrtpContext(keys);
            destinations[s] = PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, 20000 + s));
        }
        var written = new Dictionary<(PacketAddress, ushort), byte[]>();
        for (ushort packet = 1; packet <= 10; packet++)
        {
            for (var s = 0; s < subscribers; s++)
            {
                var rtp = SrtpTestData.Rtp(packet, 0x5000u + (uint)s, 20 + (s * 37 + packet * 11) % 1200, seed: s);
                var slot = sender.GetSlotMemory();
                rtp.CopyTo(slot.Span);
                int length;
                var ok = srtpBatch is not null
                    ? protectors[s].TryProtectRtp(slot, rtp.Length, srtpBatch, out length, out _)
                    : protectors[s].TryProtectRtp(slot.Span, rtp.Length, out length, out _);
                ok.Should().BeTrue();
                sender.Commit(length, destinations[s]);
                written[(destinations[s], packet)] = rtp;
            }
        }
        sender.Flush();

        udp.Datagrams.Should().HaveCount(300);
        udp.Sends.Should().Be(2, "one full batch of 256, then the rest");
        foreach (var (destination, datagram) in udp.Datagrams)
        {
            var s = Array.IndexOf(destinations, destination);
            var buffer = SrtpTestData.WithRoom(datagram);
            receivers[s].TryUnprotectRtp(buffer, datagram.Length, out var length, out var error).Should().BeTrue(error.ToString());
            var sequence = (ushort)(buffer[2] << 8 | buffer[3]);
            buffer.AsSpan(0, length).ToArray().Should().Equal(written[(destination, sequence)]);
        }
        foreach (var context in protectors.Concat(receivers))
            context.Dispose();
    }

    // Issue 14: datagrams written while a received packet is handled carry its arrival, and the flush records
    // each one's time in the server; datagrams written outside one (timers, RTCP answers) are not counted.
    [Test]
    public void A_flush_records_the_time_since_arrival_of_every_datagram_made_while_handling_a_received_packet()
    {
        var counters = new MediaCounters();
        var udp = new RecordingChannel(PacketProtocol.Udp);
        var sender = new MediaSender(counters) { Channel = udp };
        sender.Flush();
        var arrival = System.Diagnostics.Stopwatch.GetTimestamp() - System.Diagnostics.Stopwatch.Frequency / 100;
        MediaSender.Arrival = arrival;
        try
        {
            Write(sender, 1, UdpPeer);
            Write(sender, 2, Subscriber3);
        }
        finally
        {
            MediaSender.Arrival = 0;
        }
        Write(sender, 3, UdpPeer);
        sender.Flush();

        udp.Sent.Should().HaveCount(3);
        var recorded = counters.ForwardingLatency.Snapshot();
        recorded.Sum().Should().Be(2, "the two copies of the received packet, not the third datagram");
        TickHistogram.PercentileSeconds(null, recorded, 1).Should().BeGreaterThanOrEqualTo(0.01, "they arrived 10 ms before the flush");
    }

    [Test]
    public void Timing_the_copies_allocates_nothing()
    {
        var counters = new MediaCounters();
        var sender = new MediaSender(counters) { Channel = new DiscardingChannel() };
        void Round()
        {
            MediaSender.Arrival = System.Diagnostics.Stopwatch.GetTimestamp();
            for (var i = 0; i < 100; i++)
                Write(sender, (byte)i, i % 2 == 0 ? UdpPeer : Subscriber3);
            MediaSender.Arrival = 0;
            sender.Flush();
        }
        Round();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var round = 0; round < 50; round++)
            Round();
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
        counters.ForwardingLatency.Snapshot().Sum().Should().Be(51 * 100);
    }

    [Test]
    public void With_srtp_batching_off_the_sender_offers_no_batch()
    {
        var (sender, _, _) = Create();
        sender.BatchSrtp = false;
        sender.SrtpBatch.Should().BeNull();
    }

    private static (MediaSender Sender, RecordingChannel Udp, RecordingChannel Tcp) Create()
    {
        var udp = new RecordingChannel(PacketProtocol.Udp);
        var tcp = new RecordingChannel(PacketProtocol.IceTcp);
        var sender = new MediaSender(new MediaCounters()) { Channel = udp, TcpChannel = tcp };
        sender.Flush();
        return (sender, udp, tcp);
    }

    private static void Write(MediaSender sender, byte marker, PacketAddress destination)
    {
        var slot = sender.GetSlot();
        slot[0] = marker;
        sender.Commit(1, destination);
    }

    private sealed class DiscardingChannel : IPacketChannel
    {
        public PacketAddress LocalAddress { get; } = PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, 40000));

        public PacketProtocol Protocol => PacketProtocol.Udp;

        public PacketChannelCounters Counters { get; } = new();

        public int Send(PacketBatch batch) => batch.Count;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class RecordingChannel(PacketProtocol protocol) : IPacketChannel
    {
        public List<(byte Marker, PacketAddress Destination)> Sent { get; } = [];

        public PacketAddress LocalAddress { get; } = PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, 40000));

        public PacketProtocol Protocol { get; } = protocol;

        public PacketChannelCounters Counters { get; } = new();

        public int Sends { get; private set; }

        // Every datagram's bytes as it was handed to Send.
        public List<(PacketAddress Destination, byte[] Bytes)> Datagrams { get; } = [];

        public int Send(PacketBatch batch)
        {
            Sends++;
            for (var position = 0; position < batch.Count; position++)
            {
                var i = batch.SendIndex(position);
                Sent.Add((batch[i][0], batch.GetAddress(i)));
                Datagrams.Add((batch.GetAddress(i), batch[i].ToArray()));
            }
            return batch.Count;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

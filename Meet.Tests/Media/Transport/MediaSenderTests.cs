using System.Net;
using Meet.Modules.Media.Transport;
using Meet.PacketEngine;

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

    private sealed class RecordingChannel(PacketProtocol protocol) : IPacketChannel
    {
        public List<(byte Marker, PacketAddress Destination)> Sent { get; } = [];

        public PacketAddress LocalAddress { get; } = PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, 40000));

        public PacketProtocol Protocol { get; } = protocol;

        public PacketChannelCounters Counters { get; } = new();

        public int Send(PacketBatch batch)
        {
            for (var i = 0; i < batch.Count; i++)
                Sent.Add((batch[i][0], batch.GetAddress(i)));
            return batch.Count;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

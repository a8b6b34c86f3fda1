using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Meet.PacketEngine;
using Meet.PacketEngine.Sockets;

namespace Meet.Tests.PacketEngine.Sockets;

// Issue 14: the recvmmsg loop keeps a holding receiver's deadline (IHoldingPacketReceiver): it calls
// OnHoldExpired on its own thread when no datagram comes, ends the hold of a receiver that throws, and
// never calls it while nothing is held.
[TestFixture]
public sealed class UdpHoldingReceiveTests
{
    private static readonly PacketAddress Loopback = PacketAddress.FromIPv4(0x7F00_0001, 0);

    [Test]
    public async Task A_hold_ends_on_the_loop_thread_after_its_deadline_without_another_datagram()
    {
        await using var engine = SocketsPacketEngineFactory.Create(new SocketsPacketEngineOptions { ReceiveLoops = 1 });
        var receiver = new HoldingReceiver { HoldTicks = Stopwatch.Frequency / 50 };
        var channel = engine.Bind(Loopback, PacketProtocol.Udp, receiver);
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        peer.SendTo(new byte[100], channel.LocalAddress.ToEndPoint());

        Poll.Until(() => receiver.Expired == 1).Should().BeTrue("the loop ends the hold by itself");
        receiver.ExpiredOnReceiveThread.Should().BeTrue();
        receiver.ExpiredAt.Should().BeGreaterThanOrEqualTo(receiver.ExpiredDeadline, "not before the deadline");
    }

    [Test]
    public async Task A_receiver_that_throws_has_its_hold_ended_and_the_batch_counted()
    {
        await using var engine = SocketsPacketEngineFactory.Create(new SocketsPacketEngineOptions { ReceiveLoops = 1 });
        var receiver = new HoldingReceiver { HoldTicks = Stopwatch.Frequency * 60, Throw = true };
        var channel = engine.Bind(Loopback, PacketProtocol.Udp, receiver);
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        peer.SendTo(new byte[100], channel.LocalAddress.ToEndPoint());

        Poll.Until(() => receiver.Expired == 1).Should().BeTrue("a throwing receiver's hold ends at once, not after a minute");
        channel.Counters.Dropped(DropReason.ReceiverFault).Should().Be(1);
    }

    [Test]
    public async Task A_receiver_that_holds_nothing_is_never_asked_to_release()
    {
        await using var engine = SocketsPacketEngineFactory.Create(new SocketsPacketEngineOptions { ReceiveLoops = 1 });
        var receiver = new HoldingReceiver { HoldTicks = 0 };
        var channel = engine.Bind(Loopback, PacketProtocol.Udp, receiver);
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        for (var i = 0; i < 5; i++)
            peer.SendTo(new byte[100], channel.LocalAddress.ToEndPoint());

        Poll.Until(() => receiver.Received == 5).Should().BeTrue();
        await channel.DisposeAsync();
        receiver.Expired.Should().Be(0);
    }

    // Holds after every batch until HoldTicks from its first held batch; records how the hold ended.
    private sealed class HoldingReceiver : IHoldingPacketReceiver
    {
        private Thread? _receiveThread;
        private int _received;
        private int _expired;

        public long HoldTicks { get; init; }

        public bool Throw { get; init; }

        public long Deadline { get; private set; }

        public long ExpiredAt { get; private set; }

        // The deadline of the hold OnHoldExpired ended.
        public long ExpiredDeadline { get; private set; }

        public bool ExpiredOnReceiveThread { get; private set; }

        public int Received => Volatile.Read(ref _received);

        public int Expired => Volatile.Read(ref _expired);

        public void OnReceived(IPacketChannel channel, PacketBatch batch) => throw new InvalidOperationException("the recvmmsg loop calls OnReceivedHolding");

        public long OnReceivedHolding(IPacketChannel channel, PacketBatch batch)
        {
            _receiveThread = Thread.CurrentThread;
            Interlocked.Add(ref _received, batch.Count);
            if (HoldTicks == 0)
                return 0;
            if (Deadline == 0)
                Deadline = Stopwatch.GetTimestamp() + HoldTicks;
            if (Throw)
                throw new InvalidOperationException("receiver fault");
            return Deadline;
        }

        public void OnHoldExpired(IPacketChannel channel)
        {
            ExpiredAt = Stopwatch.GetTimestamp();
            ExpiredDeadline = Deadline;
            ExpiredOnReceiveThread = Thread.CurrentThread == _receiveThread;
            Deadline = 0;
            Interlocked.Increment(ref _expired);
        }
    }
}

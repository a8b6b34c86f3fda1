using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Meet.Modules.Client.Media;

namespace Meet.Tests.Client.Media;

// Issue 14: the load generator's receive lag starts at the kernel's receive time of a subscriber's datagram
// (SIOCGSTAMPNS). The time must be on the Stopwatch clock, before the read that returned the datagram.
[TestFixture]
public sealed class KernelReceiveClockTests
{
    [Test]
    public async Task The_last_read_datagrams_kernel_time_is_on_the_stopwatch_clock_before_the_read()
    {
        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        KernelReceiveClock.LastReceived(receiver).Should().Be(0, "the first call switches the socket's timestamps on; nothing was read yet");

        var beforeSend = Stopwatch.GetTimestamp();
        sender.SendTo(new byte[] { 1, 2, 3 }, receiver.LocalEndPoint!);
        await Task.Delay(20);
        var buffer = new byte[16];
        receiver.Receive(buffer).Should().Be(3);
        var afterRead = Stopwatch.GetTimestamp();
        var received = KernelReceiveClock.LastReceived(receiver);

        received.Should().BeGreaterThan(0);
        // The wall clock and the Stopwatch are read a few microseconds apart: allow a millisecond either way.
        var slack = Stopwatch.Frequency / 1000;
        received.Should().BeInRange(beforeSend - slack, afterRead + slack);
        (afterRead - received).Should().BeGreaterThan(Stopwatch.Frequency / 1000 * 10, "the datagram waited 20 ms in the socket before the read");
    }
}

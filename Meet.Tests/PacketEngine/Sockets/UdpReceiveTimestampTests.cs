using System.Collections.Concurrent;
using System.Diagnostics;
using Meet.PacketEngine;
using Meet.PacketEngine.Sockets;

namespace Meet.Tests.PacketEngine.Sockets;

// Issue 11: a received datagram carries when it arrived, not when the receive loop got to it. While the
// receiver is busy with one batch the next datagram waits in the socket buffer; with kernel timestamps
// (SO_TIMESTAMPNS) its stamp is its arrival, without them the moment the loop read it.
public sealed class UdpReceiveTimestampTests
{
    private static readonly PacketAddress Loopback = PacketAddress.FromIPv4(0x7F00_0001, 0);
    private static readonly long Busy = Stopwatch.Frequency / 5;

    [TestCase(true)]
    [TestCase(false)]
    public async Task A_datagram_that_waited_for_a_busy_receiver_is_stamped_with_its_arrival_only_with_kernel_timestamps(bool kernelTimestamps)
    {
        await using var engine = SocketsPacketEngineFactory.Create(new SocketsPacketEngineOptions { ReceiveLoops = 1, KernelReceiveTimestamps = kernelTimestamps });
        var stamps = new ConcurrentQueue<(long Stamp, long Read)>();
        var first = true;
        using var busy = new ManualResetEventSlim();
        var receiver = new RecordingReceiver
        {
            OnBatch = (_, batch) =>
            {
                var read = Stopwatch.GetTimestamp();
                for (var i = 0; i < batch.Count; i++)
                    stamps.Enqueue((batch.GetReceiveTimestamp(i), read));
                if (first)
                {
                    // Holds the receive loop, as a busy machine does.
                    first = false;
                    busy.Set();
                    Thread.Sleep(TimeSpan.FromTicks(Busy * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
                }
            },
        };
        var destination = engine.Bind(Loopback, PacketProtocol.Udp, receiver);
        var source = engine.Bind(Loopback, PacketProtocol.Udp, new RecordingReceiver());
        var batch = new PacketBatch(1);
        batch.TryAdd(new byte[100], destination.LocalAddress);

        source.Send(batch);
        busy.Wait(TimeSpan.FromSeconds(10)).Should().BeTrue();
        var sentSecond = Stopwatch.GetTimestamp();
        source.Send(batch);
        receiver.WaitFor(2).Should().BeTrue();

        var (stamp, read) = stamps.ToArray()[1];
        stamp.Should().BeGreaterThan(0, "every received datagram is stamped");
        read.Should().BeGreaterThan(sentSecond + Busy / 2, "the second datagram waited for the busy receiver");
        if (kernelTimestamps)
            stamp.Should().BeLessThan(read - Busy / 2, "the kernel's stamp is its arrival, before the loop was free");
        else
            stamp.Should().BeGreaterThan(sentSecond + Busy / 2, "without kernel timestamps it is stamped when read");
    }
}

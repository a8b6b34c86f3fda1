using System.Collections.Concurrent;
using System.Net;
using Meet.Modules.Media.Mixing;
using Meet.Modules.Media.Transport;
using Meet.PacketEngine;
using Microsoft.Extensions.Logging.Abstractions;

namespace Meet.Tests.Media.Mixing;

// The scheduler's workers share one MediaSender, whose batch is per thread (and remembers which sender
// filled it): each worker's mixed packets must leave in a Send made by that same worker, and none may
// stay stranded in a worker's batch after its frame.
[TestFixture]
public sealed class AudioMixerSchedulerTests
{
    // Writes each mixed packet into the sender's batch the way WebRtcTransport does (without SRTP).
    private sealed class CommittingSink : IMixedAudioSink
    {
        private static readonly PacketAddress Listener = PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, 40001));
        private long _committed;

        public long Committed => Interlocked.Read(ref _committed);

        public ConcurrentDictionary<string, byte> CommittingThreads { get; } = new();

        public bool SendRtpPacket(ReadOnlySpan<byte> rtp, MediaSender sender)
        {
            rtp.CopyTo(sender.GetSlot());
            sender.Commit(rtp.Length, Listener);
            CommittingThreads.TryAdd(Thread.CurrentThread.Name ?? "?", 0);
            Interlocked.Increment(ref _committed);
            return true;
        }

        public bool SendRtcp(ReadOnlySpan<byte> rtcp, MediaSender sender) => SendRtpPacket(rtcp, sender);
    }

    private sealed class RecordingChannel : IPacketChannel
    {
        private long _datagrams;

        public long Datagrams => Interlocked.Read(ref _datagrams);

        public ConcurrentDictionary<string, byte> SendingThreads { get; } = new();

        public PacketAddress LocalAddress { get; } = PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, 40000));

        public PacketProtocol Protocol => PacketProtocol.Udp;

        public PacketChannelCounters Counters { get; } = new();

        public int Send(PacketBatch batch)
        {
            SendingThreads.TryAdd(Thread.CurrentThread.Name ?? "?", 0);
            Interlocked.Add(ref _datagrams, batch.Count);
            return batch.Count;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Test]
    public async Task Each_workers_mixed_packets_are_sent_by_that_worker_and_none_are_left_in_its_batch()
    {
        var channel = new RecordingChannel();
        var sender = new MediaSender(new MediaCounters()) { Channel = channel };
        var sink = new CommittingSink();
        var counters = new MixerCounters();
        var mixers = Enumerable.Range(0, 4).Select(i => new AudioMixer($"m{i}", counters)).ToList();
        using (var scheduler = new AudioMixerScheduler(sender, NullLogger.Instance, workerCount: 2))
        {
            foreach (var mixer in mixers)
            {
                for (var l = 0; l < 3; l++)
                    mixer.AddListener(new MixListener($"l{l}", sink, "0", 111, 1));
                scheduler.Add(mixer);
            }
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (counters.FramesMixed < 40 && DateTime.UtcNow < deadline)
                await Task.Delay(20);
            foreach (var mixer in mixers)
                mixer.Close();
        }

        counters.FramesMixed.Should().BeGreaterThanOrEqualTo(40);
        sink.Committed.Should().BePositive();
        channel.Datagrams.Should().Be(sink.Committed, "every worker flushes what it committed at the end of its frame");
        sink.CommittingThreads.Keys.Should().OnlyContain(name => name.StartsWith("meet-mix-", StringComparison.Ordinal));
        channel.SendingThreads.Keys.Should().BeSubsetOf(sink.CommittingThreads.Keys, "a worker's batch leaves from that worker, not another thread");
    }
}

using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Meet.Modules.Media.Bandwidth;
using Meet.Modules.Media.Protocols.Rtcp;

namespace Meet.Benchmarks.Media;

// Issue 11's costs on the media path: stamping our transport-wide sequence number on a packet sent to a
// subscriber (every forwarded packet), and reading that subscriber's transport-cc feedback into the
// estimator (one feedback per ~100 ms, 20 packets each here — ≈ 2 Mbps of 1,200-byte packets).
// Aim: under 1 µs per packet reported, 0 B.
[MemoryDiagnoser]
public class BandwidthEstimationBenchmarks
{
    private const int PacketsPerFeedback = 20;
    private readonly byte[] _packet = new byte[1200];
    private readonly byte[] _feedback = new byte[256];
    private SubscriberDownlink _downlink = null!;
    private int _feedbackLength;

    [GlobalSetup]
    public void Setup()
    {
        _downlink = new SubscriberDownlink(TimeSpan.FromMilliseconds(150));
        // RTP header with a one-byte extension block holding the transport-wide element (id 3).
        byte[] header = [0x90, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xBE, 0xDE, 0, 1, 0x31, 0, 0, 0];
        header.CopyTo(_packet, 0);
        for (var i = 0; i < SendHistory.MaxCapacity; i++)
            _downlink.OnSend(_packet, 3, Stopwatch.GetTimestamp());
        // Feedback on the last 20 sent (sequence numbers wrapped into the history), 5 ms apart.
        var builder = new RtcpTransportFeedbackBuilder();
        builder.Reset(1, 2, 0);
        var first = (ushort)(SendHistory.MaxCapacity - PacketsPerFeedback);
        for (var i = 0; i < PacketsPerFeedback; i++)
            builder.TryAddReceived((ushort)(first + i), 1_000_000 + i * 5000);
        builder.TryWrite(_feedback, out _feedbackLength);
    }

    [Benchmark(Description = "stamp one forwarded packet")]
    public void Stamp() => _downlink.OnSend(_packet.AsSpan(0, 1200), 3, Stopwatch.GetTimestamp());

    [Benchmark(Description = "one transport-cc feedback (20 packets) into the estimator", OperationsPerInvoke = 1)]
    public void Feedback() => _downlink.OnTransportFeedback(_feedback.AsSpan(0, _feedbackLength), Stopwatch.GetTimestamp());
}

using Meet.Modules.Media.Transport;

namespace Meet.Modules.Media.Mixing;

// Process-wide mixer figures (exported on /metrics): frames mixed and skipped, codec work, packets
// sent, speakers dropped by meetings that fell behind, and the mixer's added latency (packet arrival to
// the mixed frame carrying it being sent) as tick histograms (the forwarding path's `TickHistogram`, buckets at most 12.5 % wide), split into
// its stages.
internal sealed class MixerCounters
{
    private long _framesMixed;
    private long _framesSkipped;
    private long _speakersDropped;
    private long _decodes;
    private long _encodes;
    private long _packetsSent;
    private long _packetsIn;
    private int _maxEncodesPerFrame;
    private long _cpuNanoseconds;
    private long _cpuFrames;
    private long _codecCpuNanoseconds;

    public long FramesMixed => Volatile.Read(ref _framesMixed);

    public long FramesSkipped => Volatile.Read(ref _framesSkipped);

    public long SpeakersDropped => Volatile.Read(ref _speakersDropped);

    public long Decodes => Volatile.Read(ref _decodes);

    public long Encodes => Volatile.Read(ref _encodes);

    public long PacketsSent => Volatile.Read(ref _packetsSent);

    public long PacketsIn => Volatile.Read(ref _packetsIn);

    // The most encodes any meeting made for one frame (at most 4: the full mix and three minus-one).
    public int MaxEncodesPerFrame => Volatile.Read(ref _maxEncodesPerFrame);

    // Thread CPU time of the mixed frames that measured it (decode, mix, encode, every listener's
    // SRTP protect and send), and how many did: their mean is the CPU per mixed frame.
    public long CpuNanoseconds => Volatile.Read(ref _cpuNanoseconds);

    public long CpuFrames => Volatile.Read(ref _cpuFrames);

    // The part of CpuNanoseconds spent before the first listener's packet: jitter buffers, decode, mix,
    // limiter and encode (independent of the listeners); the rest is building, protecting and sending
    // each listener's packet.
    public long CodecCpuNanoseconds => Volatile.Read(ref _codecCpuNanoseconds);

    // cpuNanoseconds: the frame's thread CPU time, -1 when it could not be read; codecCpuNanoseconds:
    // its part before the listeners' packets.
    public void FrameMixed(int decodes, int encodes, int packetsSent, long cpuNanoseconds = -1, long codecCpuNanoseconds = 0)
    {
        Interlocked.Increment(ref _framesMixed);
        if (cpuNanoseconds >= 0)
        {
            Interlocked.Add(ref _cpuNanoseconds, cpuNanoseconds);
            Interlocked.Add(ref _codecCpuNanoseconds, codecCpuNanoseconds);
            Interlocked.Increment(ref _cpuFrames);
        }
        Interlocked.Add(ref _decodes, decodes);
        Interlocked.Add(ref _encodes, encodes);
        Interlocked.Add(ref _packetsSent, packetsSent);
        var max = Volatile.Read(ref _maxEncodesPerFrame);
        while (encodes > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxEncodesPerFrame, encodes, max);
            if (seen == max)
                break;
            max = seen;
        }
    }

    public void FrameSkipped() => Interlocked.Increment(ref _framesSkipped);

    public void SpeakerDropped() => Interlocked.Increment(ref _speakersDropped);

    public void PacketIn() => Interlocked.Increment(ref _packetsIn);

    // The mixer's added latency per mixed speaker frame: from the arrival at the SFU (the decrypted
    // packet reaching the speaker's jitter buffer) of the first packet decoded for the frame, to the end
    // of sending the frame's mixed packets to every listener. Its stages (they add up to it):
    public TickHistogram Latency { get; } = new();

    // Arrival to the frame's clock deadline: the jitter buffer's delay, plus the wait for the next
    // 20 ms boundary of the mixer's clock (0–20 ms, the arrival's phase against the clock).
    public TickHistogram Buffered { get; } = new();

    // The frame's deadline to a worker starting it: the clock thread's wake-up and the worker queue.
    public TickHistogram Queued { get; } = new();

    // A worker starting the frame to its last listener's packet sent: decode, mix, encode and send.
    public TickHistogram Work { get; } = new();

    // The bound (ms, rounded up) under which `fraction` of the mixed frames' latency fell (since the
    // LatencyCounts snapshot `since`); -1 before any.
    public int LatencyPercentile(double fraction, long[]? since = null) => PercentileMilliseconds(Latency, fraction, since);

    // Snapshots of Latency, Buffered, Queued and Work, for LatencySummary over a window.
    public long[][] LatencyCounts() => [Latency.Snapshot(), Buffered.Snapshot(), Queued.Snapshot(), Work.Snapshot()];

    // "p50/p99" of the total and each stage (since LatencyCounts `since`), for test and benchmark output.
    public string LatencySummary(long[][]? since = null) =>
        $"latency p50/p99 {LatencyPercentile(0.5, since?[0])}/{LatencyPercentile(0.99, since?[0])} ms (buffered {Stage(Buffered, since?[1])}, " +
        $"queued {Stage(Queued, since?[2])}, work {Stage(Work, since?[3])})";

    private static string Stage(TickHistogram stage, long[]? since) =>
        $"{PercentileMilliseconds(stage, 0.5, since)}/{PercentileMilliseconds(stage, 0.99, since)}";

    private static int PercentileMilliseconds(TickHistogram histogram, double fraction, long[]? since)
    {
        var seconds = TickHistogram.PercentileSeconds(since, histogram.Snapshot(), fraction);
        return double.IsNaN(seconds) ? -1 : (int)Math.Ceiling(Math.Min(seconds * 1000, int.MaxValue));
    }
}

using System.Diagnostics;

namespace Meet.Modules.Media.Mixing;

// Process-wide mixer figures (exported on /metrics): frames mixed and skipped, codec work, packets
// sent, speakers dropped by meetings that fell behind, and the mixer's added latency (packet arrival to
// the mixed frame carrying it being sent) as a 1 ms histogram.
internal sealed class MixerCounters
{
    private const int LatencyBuckets = 256;

    private readonly long[] _latency = new long[LatencyBuckets];
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

    // cpuNanoseconds: the frame's thread CPU time, -1 when it could not be read.
    public void FrameMixed(int decodes, int encodes, int packetsSent, long cpuNanoseconds = -1)
    {
        Interlocked.Increment(ref _framesMixed);
        if (cpuNanoseconds >= 0)
        {
            Interlocked.Add(ref _cpuNanoseconds, cpuNanoseconds);
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

    public void RecordLatency(long stopwatchTicks)
    {
        var milliseconds = stopwatchTicks * 1000 / Stopwatch.Frequency;
        Interlocked.Increment(ref _latency[Math.Clamp(milliseconds, 0, LatencyBuckets - 1)]);
    }

    // The latency (ms) under which `fraction` of recorded packets fell; -1 before any.
    public int LatencyPercentile(double fraction)
    {
        var total = 0L;
        for (var i = 0; i < LatencyBuckets; i++)
            total += Volatile.Read(ref _latency[i]);
        if (total == 0)
            return -1;
        var target = (long)Math.Ceiling(total * fraction);
        var seen = 0L;
        for (var i = 0; i < LatencyBuckets; i++)
        {
            seen += Volatile.Read(ref _latency[i]);
            if (seen >= target)
                return i + 1;
        }
        return LatencyBuckets;
    }
}

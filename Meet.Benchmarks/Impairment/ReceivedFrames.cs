using System.Buffers.Binary;
using System.Diagnostics;
using Meet.Benchmarks.Meeting;
using Meet.Modules.Client.Media;
using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Benchmarks.Impairment;

// The subscriber side of the impairment matrix: which video frames of the one forwarded camera were
// completed (every packet from the one with the descriptor's S bit to the one with the marker arrived,
// originally or as an RTX answer), when, and at which size. The SFU rewrites SSRC, sequence numbers and
// timestamps into one continuous stream across layer switches, so a frame is its RTP timestamp and its
// packets are a contiguous sequence range. The size comes from each key frame's VP8 header: a layer
// switch is a key frame of another size. Frames that never complete are forgotten after two seconds.
internal sealed class ReceivedFrames(ClientReceiverFeedback feedback)
{
    private static readonly long StaleTicks = 2 * Stopwatch.Frequency;

    private readonly Lock _lock = new();
    private readonly Dictionary<uint, PartialFrame> _partial = [];
    private readonly List<CompletedFrame> _completed = [];
    private readonly List<uint> _stale = [];
    private long _retransmittedBytes;
    private long _retransmittedPackets;

    public long RetransmittedBytes => Interlocked.Read(ref _retransmittedBytes);

    public long RetransmittedPackets => Interlocked.Read(ref _retransmittedPackets);

    // Runs on the subscriber's receive callback, before the client's own NACK bookkeeping.
    public void OnRtp(ReadOnlySpan<byte> packet)
    {
        if (!RtpHeader.TryParse(packet, out var header))
            return;
        var payload = header.GetPayload(packet);
        var sequence = header.SequenceNumber;
        if (feedback.IsRetransmission(header.PayloadType))
        {
            Interlocked.Add(ref _retransmittedBytes, packet.Length);
            Interlocked.Increment(ref _retransmittedPackets);
            // RFC 4588 §4: the original sequence number, then the original payload.
            if (payload.Length < 2)
                return;
            sequence = BinaryPrimitives.ReadUInt16BigEndian(payload);
            payload = payload[2..];
        }
        if (!SyntheticMedia.TryReadTrailer(payload, out _, out _, out var kind) || kind != SyntheticMedia.VideoKind)
            return;
        var now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            if (!_partial.TryGetValue(header.Timestamp, out var frame))
            {
                if (IsCompleted(header.Timestamp))
                    return;
                _partial[header.Timestamp] = frame = new PartialFrame(now);
            }
            if (!frame.Sequences.Add(sequence))
                return;
            // RFC 7741 §4.2: S set on the first packet of a frame (the synthetic descriptor is one byte).
            if ((payload[0] & 0x10) != 0)
            {
                frame.First = sequence;
                // RFC 6386 §9.1: P = 0 in the frame tag marks a key frame, then start code and size.
                if (payload.Length >= 11 && (payload[1] & 1) == 0 && payload[4] == 0x9d && payload[5] == 0x01 && payload[6] == 0x2a)
                    frame.Width = BinaryPrimitives.ReadUInt16LittleEndian(payload[7..]) & 0x3fff;
            }
            if (header.Marker)
                frame.Last = sequence;
            if (frame.First is { } first && frame.Last is { } last && frame.Sequences.Count == (ushort)(last - first) + 1)
            {
                _partial.Remove(header.Timestamp);
                _completed.Add(new CompletedFrame(now, header.Timestamp, frame.Width));
            }
            ForgetStale(now);
        }
    }

    // Completed frames from `fromTicks` on (Stopwatch ticks), in completion order.
    public List<CompletedFrame> Since(long fromTicks)
    {
        lock (_lock)
        {
            var start = _completed.FindLastIndex(f => f.Ticks < fromTicks) + 1;
            return _completed.GetRange(start, _completed.Count - start);
        }
    }

    // The width of the latest completed key frame: the layer being received (0 before any).
    public int CurrentWidth
    {
        get
        {
            lock (_lock)
                return _completed.FindLast(f => f.Width > 0)?.Width ?? 0;
        }
    }

    private bool IsCompleted(uint timestamp)
    {
        // A late duplicate or RTX of a frame completed a moment ago; the last few frames suffice.
        for (var i = _completed.Count - 1; i >= 0 && i >= _completed.Count - 64; i--)
        {
            if (_completed[i].Timestamp == timestamp)
                return true;
        }
        return false;
    }

    private void ForgetStale(long now)
    {
        foreach (var (timestamp, frame) in _partial)
        {
            if (now - frame.StartedTicks > StaleTicks)
                _stale.Add(timestamp);
        }
        foreach (var timestamp in _stale)
            _partial.Remove(timestamp);
        _stale.Clear();
    }

    private sealed class PartialFrame(long startedTicks)
    {
        public long StartedTicks { get; } = startedTicks;

        public HashSet<ushort> Sequences { get; } = [];

        public ushort? First { get; set; }

        public ushort? Last { get; set; }

        public int Width { get; set; }
    }
}

// Width is the key frame's (0 for a delta frame).
internal sealed record CompletedFrame(long Ticks, uint Timestamp, int Width);

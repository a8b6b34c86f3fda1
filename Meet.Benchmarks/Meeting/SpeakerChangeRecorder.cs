using System.Buffers.Binary;
using System.Diagnostics;

namespace Meet.Benchmarks.Meeting;

// Collects every viewer's speaker-change samples over the measured window (issue 10 "Measure"): from a
// turn's talk start (SpeakerTurns, same process clock) to the first video packet of the new talker, to
// the last packet of its first complete keyframe, and to the signaling announcement naming it. A turn
// whose talker a viewer was already receiving (in its last-N set before the turn) is counted apart:
// its video needed no switch ("in view": video from the talker within inView before the talk start,
// at least two frame intervals of the slowest scaled layer).
internal sealed class SpeakerChangeRecorder(SpeakerTurns turns, IReadOnlyList<VideoLayer> layers, TimeSpan inView)
{
    private readonly long _inViewTicks = (long)(inView.TotalSeconds * Stopwatch.Frequency);

    private readonly Lock _lock = new();
    private readonly List<double> _firstPacketMs = [];
    private readonly List<double> _keyframeMs = [];
    private readonly List<double> _announcedMs = [];
    private readonly Dictionary<(int Viewer, int Turn), long> _firstPacketArrivals = [];
    private int _alreadyInView;

    public SpeakerTurns Turns => turns;

    public bool Measuring { get; set; }

    // One viewer's progress through the current turn; owned by that viewer's ReceiveStats (under its lock).
    internal sealed class ViewerState
    {
        // The viewer's participant number (matches the server's per-viewer keyframe stamps).
        public int Viewer;
        public int Turn = -1;
        public bool Done;
        public uint KeyframeTimestamp;
        public int KeyframePackets;
        public int KeyframeExpected;
        public int AnnouncedTurn = -1;
    }

    // A video packet from `publisher` reached a viewer at `now`; lastTicks: when that viewer last had
    // video from this publisher before this packet (0: never). Called under the viewer's lock.
    internal void OnVideo(ViewerState state, int publisher, long lastTicks, long now, uint rtpTimestamp, ReadOnlySpan<byte> payload, bool marker)
    {
        if (!Measuring || turns.Current is not { } turn || turn.Talker != publisher || state.Done && state.Turn == turn.Index)
            return;
        if (state.Turn != turn.Index)
        {
            state.Turn = turn.Index;
            state.Done = false;
            state.KeyframePackets = 0;
            if (lastTicks != 0 && lastTicks >= turn.StartTicks - _inViewTicks)
            {
                state.Done = true;
                Interlocked.Increment(ref _alreadyInView);
                return;
            }
            Add(_firstPacketMs, now - turn.StartTicks);
            lock (_lock)
                _firstPacketArrivals[(state.Viewer, turn.Index)] = now;
        }
        // RFC 7741: S bit on the frame's first packet; RFC 6386 frame tag P bit 0 = keyframe, then the
        // start code and the size, which says the layer and so how many packets the keyframe has.
        if (payload.Length >= 11 && (payload[0] & 0x10) != 0 && (payload[1] & 0x01) == 0)
        {
            state.KeyframeTimestamp = rtpTimestamp;
            state.KeyframePackets = 0;
            state.KeyframeExpected = KeyframePackets(BinaryPrimitives.ReadUInt16LittleEndian(payload[7..]) & 0x3fff);
        }
        if (state.KeyframeExpected > 0 && rtpTimestamp == state.KeyframeTimestamp)
        {
            state.KeyframePackets++;
            if (marker && state.KeyframePackets >= state.KeyframeExpected)
            {
                state.Done = true;
                Add(_keyframeMs, now - turn.StartTicks);
            }
        }
    }

    // The viewer's signaling announced `publisher` as the dominant speaker at `now`.
    internal void OnAnnounced(ViewerState state, int publisher, long now)
    {
        if (!Measuring || turns.Current is not { } turn || turn.Talker != publisher || state.AnnouncedTurn == turn.Index)
            return;
        state.AnnouncedTurn = turn.Index;
        Add(_announcedMs, now - turn.StartTicks);
    }

    // When each viewer read the first video packet of each turn's talker (switches only, Stopwatch ticks).
    public IReadOnlyDictionary<(int Viewer, int Turn), long> FirstPacketArrivals()
    {
        lock (_lock)
            return new Dictionary<(int Viewer, int Turn), long>(_firstPacketArrivals);
    }

    public SpeakerChangeResult Result()
    {
        lock (_lock)
        {
            return new SpeakerChangeResult(turns.Turns, _firstPacketMs.Count, _alreadyInView,
                Percentile(_firstPacketMs, 0.5), Percentile(_firstPacketMs, 0.95), Percentile(_firstPacketMs, 1),
                _keyframeMs.Count, Percentile(_keyframeMs, 0.5), Percentile(_keyframeMs, 0.95),
                _announcedMs.Count, Percentile(_announcedMs, 0.5), Percentile(_announcedMs, 0.95),
                turns.TurnLength.TotalSeconds, turns.TalkSpurt.TotalSeconds);
        }
    }

    private int KeyframePackets(int width)
    {
        foreach (var layer in layers)
        {
            if (layer.Width == width)
                return SyntheticMedia.GetVideoPacketCount(layer.KeyframeBytes);
        }
        return 0;
    }

    private void Add(List<double> samples, long ticks)
    {
        lock (_lock)
            samples.Add(ticks * 1000.0 / Stopwatch.Frequency);
    }

    private static double Percentile(List<double> values, double quantile) => Quantiles.Rank([.. values.Order()], quantile);
}

// Speaker changes over a step's window: samples are viewer × turn pairs where the talker's video had to
// be switched to that viewer; times from the talk start, in ms.
internal sealed record SpeakerChangeResult(int Turns, int Samples, int AlreadyInView,
    double FirstPacketP50Ms, double FirstPacketP95Ms, double FirstPacketMaxMs,
    int KeyframeSamples, double KeyframeP50Ms, double KeyframeP95Ms,
    int AnnouncedSamples, double AnnouncedP50Ms, double AnnouncedP95Ms,
    double TurnSeconds, double TalkSpurtSeconds);

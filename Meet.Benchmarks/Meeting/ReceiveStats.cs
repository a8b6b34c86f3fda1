using System.Buffers.Binary;
using System.Diagnostics;

namespace Meet.Benchmarks.Meeting;

// What one synthetic subscriber received: per incoming SSRC the extended sequence range (loss), per
// publisher and kind whether anything arrived, video freezes (a gap of FreezeGap between packets of a
// stream, see below), and one-way latency into the run's shared histogram.
// A freeze is a gap of more than 500 ms, or three frame intervals when scaled-down frame rates are slower.
// forwardedVideos: the server's Media:LastN, the most videos it forwards a subscriber (see Summarize).
// speakerChanges: the run's speaker-change recorder when cameras take turns talking (SpeakerTurns).
internal sealed class ReceiveStats(LatencyHistogram latency, RunCounters counters, TimeSpan freezeGap, int forwardedVideos,
    SpeakerChangeRecorder? speakerChanges = null, int participantNumber = 0)
{
    private readonly SpeakerChangeRecorder.ViewerState _speakerState = new() { Viewer = participantNumber };
    private readonly long _freezeTicks = (long)(freezeGap.TotalSeconds * Stopwatch.Frequency);

    private readonly Lock _lock = new();
    private readonly Dictionary<uint, SsrcState> _ssrcs = [];
    private readonly Dictionary<(int Publisher, byte Kind), VideoState> _streams = [];
    private long _firstMediaTicks;
    private long _bytes;
    private long _windowStartBytes;
    private bool _measuring;

    // Set when the measured window starts: what arrives from then on counts for the window's per-subscriber
    // figures (WindowBytes, VideosInWindow) and for freezes.
    public bool Measuring
    {
        get => Volatile.Read(ref _measuring);
        set
        {
            if (value && !_measuring)
                Interlocked.Exchange(ref _windowStartBytes, Interlocked.Read(ref _bytes));
            Volatile.Write(ref _measuring, value);
        }
    }

    public int ForwardedVideos { get; } = forwardedVideos;

    // RTP bytes this subscriber received since the window started (its downlink).
    public long WindowBytes => Interlocked.Read(ref _bytes) - Interlocked.Read(ref _windowStartBytes);

    public long FirstMediaTicks => Interlocked.Read(ref _firstMediaTicks);

    // receivedAt: the kernel's receive time of the datagram (ClientPeerConnection.ReceivedAt), 0 when unknown.
    public void OnRtp(ReadOnlySpan<byte> packet, long receivedAt = 0)
    {
        var now = Stopwatch.GetTimestamp();
        if (packet.Length < 12)
            return;
        var headerLength = 12 + 4 * (packet[0] & 0x0f);
        if ((packet[0] & 0x10) != 0 && packet.Length >= headerLength + 4)
            headerLength += 4 + 4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(headerLength + 2)..]);
        var end = packet.Length;
        if ((packet[0] & 0x20) != 0 && end > headerLength)
            end -= packet[end - 1];
        if (end <= headerLength)
            return;
        var payload = packet[headerLength..end];
        var sequence = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        var tagged = SyntheticMedia.TryReadTrailer(payload, out var sent, out var publisher, out var kind);
        Interlocked.CompareExchange(ref _firstMediaTicks, now, 0);
        counters.AddReceived(packet.Length);
        Interlocked.Add(ref _bytes, packet.Length);
        if (tagged)
            latency.Record((now - sent) * 1_000_000.0 / Stopwatch.Frequency);
        if (receivedAt != 0)
            counters.ReceiveLag.Record((now - receivedAt) * 1_000_000.0 / Stopwatch.Frequency);
        lock (_lock)
        {
            if (!_ssrcs.TryGetValue(ssrc, out var state))
                state = new SsrcState { First = sequence, Highest = sequence };
            else
            {
                // Extended sequence numbers (RFC 3550 A.1): a small forward step may wrap.
                var extended = state.Highest + (short)(sequence - (ushort)state.Highest);
                if (extended > state.Highest)
                    state.Highest = extended;
            }
            state.Received++;
            _ssrcs[ssrc] = state;
            if (!tagged)
                return;
            _streams.TryGetValue((publisher, kind), out var stream);
            if (kind == SyntheticMedia.VideoKind && speakerChanges is not null)
            {
                speakerChanges.OnVideo(_speakerState, publisher, stream.LastTicks, now, BinaryPrimitives.ReadUInt32BigEndian(packet[4..]),
                    payload, (packet[1] & 0x80) != 0);
            }
            if (kind == SyntheticMedia.VideoKind && stream.LastTicks != 0 && now - stream.LastTicks > _freezeTicks && Measuring)
                stream.Freezes++;
            stream.LastTicks = now;
            stream.Packets++;
            if (Measuring)
                stream.WindowPackets++;
            _streams[(publisher, kind)] = stream;
        }
    }

    // This subscriber's signaling named `publisher` the dominant speaker.
    public void OnSpeakerAnnounced(int publisher)
    {
        if (speakerChanges is null)
            return;
        var now = Stopwatch.GetTimestamp();
        lock (_lock)
            speakerChanges.OnAnnounced(_speakerState, publisher, now);
    }

    // The server forwards each subscriber at most Media:LastN videos (ForwardedVideos, the run's --last-n
    // or the server's default) and the audio of the meeting's 3 most active speakers (top-3 audio); which
    // ones is the server's choice, so a subscriber has all its media when it receives as many as the
    // server forwards.
    public const int ForwardedAudios = 3;

    // Distinct publishers whose video reached this subscriber during the measured window: bounded by
    // LastN (+ the speaker slot) however large the meeting (issue 10).
    public int VideosInWindow()
    {
        lock (_lock)
            return _streams.Count(s => s.Key.Kind == SyntheticMedia.VideoKind && s.Value.WindowPackets > 0);
    }

    // publishesAudio: a subscriber that is itself among the audible speakers gets the other two only.
    public SubscriberSummary Summarize(IReadOnlyCollection<(int Publisher, byte Kind)> expected, bool publishesAudio = false)
    {
        var audioSlots = publishesAudio ? ForwardedAudios - 1 : ForwardedAudios;
        var now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            long received = 0, lost = 0;
            foreach (var state in _ssrcs.Values)
            {
                received += state.Received;
                lost += Math.Max(0, state.Highest - state.First + 1 - state.Received);
            }
            var videos = expected.Where(e => e.Kind == SyntheticMedia.VideoKind).ToList();
            var audios = expected.Where(e => e.Kind != SyntheticMedia.VideoKind).ToList();
            var wanted = Math.Min(ForwardedVideos, videos.Count) + Math.Min(audioSlots, audios.Count);
            var arrived = Math.Min(ForwardedVideos, videos.Count(_streams.ContainsKey)) + Math.Min(audioSlots, audios.Count(_streams.ContainsKey));
            var freezes = 0;
            foreach (var (key, stream) in _streams)
            {
                freezes += stream.Freezes;
                // A stream that stopped altogether is frozen too.
                if (key.Kind == SyntheticMedia.VideoKind && expected.Contains(key) && now - stream.LastTicks > _freezeTicks)
                    freezes++;
            }
            return new SubscriberSummary(wanted, arrived, received, lost, freezes);
        }
    }

    private struct SsrcState
    {
        public long First;
        public long Highest;
        public long Received;
    }

    private struct VideoState
    {
        public long LastTicks;
        public long Packets;
        public long WindowPackets;
        public int Freezes;
    }
}

internal sealed record SubscriberSummary(int ExpectedStreams, int ReceivedStreams, long Packets, long Lost, int Freezes);

// Totals the run reads once a second (progress, time series) without walking every participant.
internal sealed class RunCounters
{
    private long _sentPackets;
    private long _sentBytes;
    private long _receivedPackets;
    private long _receivedBytes;

    // Issue 14, the generator's own parts of one-way latency: from a payload's send stamp to its send call
    // having returned (the pacer), and from the kernel's receive time at a subscriber's socket to its callback.
    public LatencyHistogram SendLag { get; } = new();

    public LatencyHistogram ReceiveLag { get; } = new();

    public long SentPackets => Interlocked.Read(ref _sentPackets);

    public long SentBytes => Interlocked.Read(ref _sentBytes);

    public long ReceivedPackets => Interlocked.Read(ref _receivedPackets);

    public long ReceivedBytes => Interlocked.Read(ref _receivedBytes);

    public void AddSent(int bytes)
    {
        Interlocked.Increment(ref _sentPackets);
        Interlocked.Add(ref _sentBytes, bytes);
    }

    public void AddReceived(int bytes)
    {
        Interlocked.Increment(ref _receivedPackets);
        Interlocked.Add(ref _receivedBytes, bytes);
    }
}

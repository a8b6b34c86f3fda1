using System.Diagnostics;
using Meet.Modules.Client.Media;

namespace Meet.Benchmarks.Meeting;

// Sends every publisher's media from one thread: VP8 frames at the configured frame rate (a keyframe
// every KeyframeInterval and whenever the SFU asks with PLI/FIR, about five times a delta frame),
// Opus frames every 20 ms (scaled). The packets of one frame leave back to back, as a browser's pacer
// sends a small frame. Packet sizes stay realistic when the bitrate is scaled: the rates shrink.
internal sealed class MediaPacer : IDisposable
{
    private readonly MediaProfile _profile;
    private readonly List<SyntheticParticipant> _publishers = [];
    private readonly Lock _lock = new();
    private readonly Thread _thread;
    private readonly SpeakerTurns? _turns;
    private readonly long _promptKeyframeSpacingTicks;
    private volatile bool _stopping;

    // turns: cameras take turns talking (issue 10's speaker-change measure); null: fixed levels.
    public MediaPacer(MediaProfile profile, SpeakerTurns? turns = null)
    {
        _profile = profile;
        _turns = turns;
        _promptKeyframeSpacingTicks = Stopwatch.Frequency;
        _thread = new Thread(Run) { IsBackground = true, Name = "meeting-pacer", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    public void Add(SyntheticParticipant publisher)
    {
        var now = Stopwatch.GetTimestamp();
        // Spread the publishers' frame phases so 100 cameras do not all send in the same millisecond.
        foreach (var layer in publisher.VideoLayers)
            layer.NextFrameTicks = now + Random.Shared.NextInt64(_profile.FrameIntervalTicks);
        publisher.NextAudioTicks = now + Random.Shared.NextInt64(_profile.AudioIntervalTicks);
        publisher.NextKeyframeTicks = 0;
        lock (_lock)
            _publishers.Add(publisher);
    }

    public void Remove(SyntheticParticipant publisher)
    {
        lock (_lock)
            _publishers.Remove(publisher);
    }

    private void Run()
    {
        var buffer = new byte[SyntheticMedia.MaxPayloadSize];
        var snapshot = new List<SyntheticParticipant>();
        while (!_stopping)
        {
            lock (_lock)
            {
                snapshot.Clear();
                snapshot.AddRange(_publishers);
            }
            var now = Stopwatch.GetTimestamp();
            _turns?.Advance(now);
            foreach (var publisher in snapshot)
            {
                if (publisher.Publisher is not { } pc)
                    continue;
                if (publisher.Role == ParticipantRole.Camera)
                    SendVideo(publisher, pc, now, buffer);
                // A talker in its spurt sends every 20 ms whatever the scale (the speaker detector counts
                // voiced packets per 20 ms); a turn starting pulls its first packet in at once.
                var talking = _turns?.IsTalking(publisher.Number, now) == true;
                var audioInterval = talking ? UnscaledAudioIntervalTicks : _profile.AudioIntervalTicks;
                if (talking && publisher.NextAudioTicks > now + audioInterval)
                    publisher.NextAudioTicks = now;
                // A talker whose pass came late (the pacer thread starved on a loaded machine) sends the
                // frames it owes, as a real sender's queued frames would leave: the detector needs its 50/s.
                for (var owed = talking ? MaxOwedTalkFrames : 1; owed > 0 && now >= publisher.NextAudioTicks; owed--)
                {
                    if (publisher.Role == ParticipantRole.Camera || _profile.MicrophonesTalk)
                    {
                        var level = _turns is null ? publisher.AudioLevel : talking ? SpeakerTurns.TalkingLevel : SpeakerTurns.SilentLevel;
                        var length = SyntheticMedia.WriteAudioPayload(buffer, _profile.AudioFrameBytes, publisher.Number);
                        if (pc.SendRtp(publisher.AudioSsrc, 111, publisher.AudioSequence++, publisher.AudioFrameCount * 960, false,
                                buffer.AsSpan(0, length), level))
                            Sent(publisher, buffer.AsSpan(0, length));
                    }
                    publisher.AudioFrameCount++;
                    publisher.NextAudioTicks += audioInterval;
                }
                if (publisher.NextAudioTicks < now)
                    publisher.NextAudioTicks = now + audioInterval;
            }
            Thread.Sleep(1);
        }
    }

    // Every layer at its own frame rate; a keyframe on every layer at the interval or when the SFU asks.
    private void SendVideo(SyntheticParticipant publisher, ClientPeerConnection pc, long now, byte[] buffer)
    {
        var requestedAll = publisher.TakeKeyframeRequest();
        if (requestedAll || now >= publisher.NextKeyframeTicks)
        {
            publisher.NextKeyframeTicks = now + _profile.KeyframeIntervalTicks;
            foreach (var layer in publisher.VideoLayers)
                layer.KeyframePending = true;
        }
        foreach (var layer in publisher.VideoLayers)
        {
            if (Interlocked.Exchange(ref layer.KeyframeRequested, 0) == 0 && !requestedAll)
                continue;
            layer.KeyframePending = true;
            // An encoder answers PLI/FIR with its next captured frame: at most one unscaled frame
            // interval away, however slow the scaled frame rate (else a speaker switch waits seconds).
            // At most once a second per layer, though: a layer that sent a keyframe within the last second
            // waits for its next scaled frame, so the layer switches of hundreds of viewers do not turn a
            // scaled-down camera into a stream of keyframes (the SFU coalesces requests to one per 300 ms).
            if (now - layer.LastKeyframeTicks < _promptKeyframeSpacingTicks)
                continue;
            var answer = now + (long)(Stopwatch.Frequency / layer.Shape.FramesPerSecond);
            if (layer.NextFrameTicks > answer)
                layer.NextFrameTicks = answer;
        }
        foreach (var layer in publisher.VideoLayers)
        {
            if (now < layer.NextFrameTicks)
                continue;
            var keyframe = layer.KeyframePending;
            layer.KeyframePending = false;
            if (keyframe)
                layer.LastKeyframeTicks = now;
            var shape = layer.Shape;
            var frameLength = keyframe ? shape.KeyframeBytes : shape.DeltaFrameBytes;
            var packets = SyntheticMedia.GetVideoPacketCount(frameLength);
            var framesPerSecond = shape.FramesPerSecond * _profile.Scale;
            // One 90 kHz clock for every layer, as an encoder stamps them from the capture time.
            var timestamp = (uint)(layer.FrameCount++ * (90_000 / shape.FramesPerSecond));
            for (var i = 0; i < packets; i++)
            {
                var length = SyntheticMedia.WriteVideoPayload(buffer, frameLength, i, keyframe, publisher.Number, shape.Width, shape.Height);
                if (pc.SendRtp(layer.Ssrc, 96, layer.Sequence++, timestamp, i == packets - 1, buffer.AsSpan(0, length), null,
                        layer.Rid.Length > 0 ? SyntheticParticipant.VideoMid : default, layer.Rid))
                    Sent(publisher, buffer.AsSpan(0, length));
            }
            var interval = (long)(Stopwatch.Frequency / framesPerSecond);
            layer.NextFrameTicks += interval;
            if (layer.NextFrameTicks < now)
                layer.NextFrameTicks = now + interval;
        }
    }

    private const int MaxOwedTalkFrames = 10;

    // Counts a sent payload and its send lag (its trailer's stamp to the send call having returned, issue 14).
    private static void Sent(SyntheticParticipant publisher, ReadOnlySpan<byte> payload)
    {
        publisher.Counters.AddSent(payload.Length + 12);
        if (SyntheticMedia.TryReadTrailer(payload, out var stamped, out _, out _))
            publisher.Counters.SendLag.Record((Stopwatch.GetTimestamp() - stamped) * 1_000_000.0 / Stopwatch.Frequency);
    }

    private static readonly long UnscaledAudioIntervalTicks = (long)(Stopwatch.Frequency / MediaProfile.BaseAudioPacketsPerSecond);

    public void Dispose()
    {
        _stopping = true;
        _thread.Join(TimeSpan.FromSeconds(2));
    }
}

// Media shape of a run. Scale multiplies the packet rates (frame rates and audio packet rate) and keeps
// packet sizes, so a scaled-down run still forwards realistic packets. Cameras send the seed's three
// simulcast layers, or with SingleLayer one stream at VideoKbps.
internal sealed record MediaProfile(int VideoKbps, double Scale, double KeyframeSeconds, int AudioFrameBytes, bool MicrophonesTalk, bool SingleLayer = false)
{
    public const double BaseFramesPerSecond = 30;
    public const double BaseAudioPacketsPerSecond = 50;

    public static readonly IReadOnlyList<VideoLayer> SeedSimulcast =
    [
        new("q", 150, 15, 320, 180),
        new("h", 500, 24, 640, 360),
        new("f", 1500, 30, 1280, 720),
    ];

    public IReadOnlyList<VideoLayer> VideoLayers => SingleLayer ? [new VideoLayer(null, VideoKbps, BaseFramesPerSecond, 640, 360)] : SeedSimulcast;

    // Upstream video bitrate of one camera before scaling.
    public int CameraKbps => VideoLayers.Sum(l => l.Kbps);

    public double FramesPerSecond => BaseFramesPerSecond * Scale;

    // The slowest layer's scaled frame rate: what a subscriber on the lowest layer sees.
    public double LowestFramesPerSecond => VideoLayers.Min(l => l.FramesPerSecond) * Scale;

    public string Describe() => SingleLayer
        ? $"VP8 {VideoKbps} kbps at {FramesPerSecond:0.#} fps"
        : "VP8 simulcast " + string.Join(" + ", VideoLayers.Select(l => $"{l.Rid} {l.Height}p {l.Kbps} kbps {l.FramesPerSecond * Scale:0.#} fps"));

    public double AudioPacketsPerSecond => BaseAudioPacketsPerSecond * Scale;

    public long FrameIntervalTicks => (long)(Stopwatch.Frequency / FramesPerSecond);

    public long AudioIntervalTicks => (long)(Stopwatch.Frequency / AudioPacketsPerSecond);

    public long KeyframeIntervalTicks => (long)(Stopwatch.Frequency * KeyframeSeconds);
}

using System.Diagnostics;

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
    private volatile bool _stopping;

    public MediaPacer(MediaProfile profile)
    {
        _profile = profile;
        _thread = new Thread(Run) { IsBackground = true, Name = "meeting-pacer", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    public void Add(SyntheticParticipant publisher)
    {
        var now = Stopwatch.GetTimestamp();
        // Spread the publishers' frame phases so 100 cameras do not all send in the same millisecond.
        publisher.NextVideoTicks = now + Random.Shared.NextInt64(_profile.FrameIntervalTicks);
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
            foreach (var publisher in snapshot)
            {
                if (publisher.Publisher is not { } pc)
                    continue;
                if (publisher.Role == ParticipantRole.Camera && now >= publisher.NextVideoTicks)
                {
                    var keyframe = publisher.TakeKeyframeRequest() || now >= publisher.NextKeyframeTicks;
                    if (keyframe)
                        publisher.NextKeyframeTicks = now + _profile.KeyframeIntervalTicks;
                    var frameLength = keyframe ? _profile.KeyframeBytes : _profile.DeltaFrameBytes;
                    var packets = SyntheticMedia.GetVideoPacketCount(frameLength);
                    var timestamp = publisher.FrameCount++ * (uint)(90_000 / _profile.FramesPerSecond);
                    for (var i = 0; i < packets; i++)
                    {
                        var length = SyntheticMedia.WriteVideoPayload(buffer, frameLength, i, keyframe, publisher.Number);
                        if (pc.SendRtp(publisher.VideoSsrc, 96, publisher.VideoSequence++, timestamp, i == packets - 1, buffer.AsSpan(0, length)))
                            publisher.Counters.AddSent(length + 12);
                    }
                    publisher.NextVideoTicks += _profile.FrameIntervalTicks;
                    if (publisher.NextVideoTicks < now)
                        publisher.NextVideoTicks = now + _profile.FrameIntervalTicks;
                }
                if (now >= publisher.NextAudioTicks)
                {
                    if (publisher.Role == ParticipantRole.Camera || _profile.MicrophonesTalk)
                    {
                        var length = SyntheticMedia.WriteAudioPayload(buffer, _profile.AudioFrameBytes, publisher.Number);
                        if (pc.SendRtp(publisher.AudioSsrc, 111, publisher.AudioSequence++, publisher.AudioFrameCount * 960, false, buffer.AsSpan(0, length)))
                            publisher.Counters.AddSent(length + 12);
                    }
                    publisher.AudioFrameCount++;
                    publisher.NextAudioTicks += _profile.AudioIntervalTicks;
                    if (publisher.NextAudioTicks < now)
                        publisher.NextAudioTicks = now + _profile.AudioIntervalTicks;
                }
            }
            Thread.Sleep(1);
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join(TimeSpan.FromSeconds(2));
    }
}

// Media shape of a run. Scale multiplies the packet rates (frame rate and audio packet rate) and keeps
// packet sizes, so a scaled-down run still forwards realistic packets.
internal sealed record MediaProfile(int VideoKbps, double Scale, double KeyframeSeconds, int AudioFrameBytes, bool MicrophonesTalk)
{
    public const double BaseFramesPerSecond = 30;
    public const double BaseAudioPacketsPerSecond = 50;

    public double FramesPerSecond => BaseFramesPerSecond * Scale;

    public double AudioPacketsPerSecond => BaseAudioPacketsPerSecond * Scale;

    public long FrameIntervalTicks => (long)(Stopwatch.Frequency / FramesPerSecond);

    public long AudioIntervalTicks => (long)(Stopwatch.Frequency / AudioPacketsPerSecond);

    public long KeyframeIntervalTicks => (long)(Stopwatch.Frequency * KeyframeSeconds);

    // A delta frame at the unscaled rate: bitrate / 30 fps; keyframes are about five times that.
    public int DeltaFrameBytes => Math.Max(200, VideoKbps * 1000 / 8 / (int)BaseFramesPerSecond);

    public int KeyframeBytes => DeltaFrameBytes * 5;
}

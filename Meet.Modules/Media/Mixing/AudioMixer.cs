using System.Diagnostics;
using Meet.Modules.Media.Transport;

namespace Meet.Modules.Media.Mixing;

// One meeting's audio mix (issue 17). Each 20 ms frame it decodes the top-3 speakers' Opus (their
// jitter buffers), sums them, and encodes at most four streams: the mix of all three for everyone else
// and one minus-one mix per speaker so nobody hears themselves. Work per frame therefore does not grow
// with listeners; each listener only gets a packet protected with its own SRTP context.
//
// Threads: TryPush runs on the packet path (a copy into a jitter buffer), SetSpeakers and the listener
// set on the control plane (volatile copy-on-write), MixFrame on one scheduler worker at a time
// (Schedule/RunOwedFrames), which alone touches channels, decoders and encoders. That one-thread rule
// is the _busy flag: whoever mixes a frame holds it (a worker from Schedule until RunOwedFrames
// releases it, a direct MixFrame caller for its frame, Close for good), because libopus aborts the
// process when two threads share a codec (issue 17 follow-up: a test's MixFrame racing the
// scheduler's worker crashed the test host in silk/resampler.c). A meeting more than
// MaxOwedFrames behind the clock skips the frame; one that keeps falling behind (SkipsToDrop within a
// second) drops a speaker (MaxSpeakers) rather than delaying every other meeting's mix; the speaker
// comes back after RecoverFrames frames without a skip.
internal sealed class AudioMixer : IDisposable
{
    public const int Speakers = 3;
    public const int RecoverFrames = 250;
    public const int MaxOwedFrames = 2;

    // A speaker is dropped after SkipsToDrop skipped frames within SkipWindowFrames (one second): one
    // late wake-up on a busy machine costs a frame, only a mixer that keeps falling behind loses a voice.
    public const int SkipsToDrop = 5;
    public const int SkipWindowFrames = 50;

    // A sender report per listener every second (50 frames).
    public const int SenderReportFrames = 50;

    private readonly MixerChannel[] _channels = [new(), new(), new()];
    private readonly MixOutput _all;
    private readonly MixOutput[] _minusOne;
    private readonly float[][] _frames = [new float[MixFormat.FrameSamples], new float[MixFormat.FrameSamples], new float[MixFormat.FrameSamples]];
    private readonly string?[] _frameOwners = new string?[Speakers];
    private readonly bool[] _audible = new bool[Speakers];
    private readonly bool[] _needed = new bool[Speakers + 1];
    // Per output (0 = the full mix, k = minus-one of channel k-1): the SSRCs of the speakers audible in
    // it this frame, its RTP CSRC list (RFC 3550 §5.1).
    private readonly uint[][] _contributors = [new uint[Speakers], new uint[Speakers], new uint[Speakers], new uint[Speakers]];
    private readonly int[] _contributorCounts = new int[Speakers + 1];
    private readonly MixerCounters _counters;
    private readonly Lock _listenerLock = new();
    private MixListener[] _listeners = [];
    private string[] _desired = [];
    private long _frameIndex = -1;
    private int _busy;
    private int _owed;
    private int _maxSpeakers = Speakers;
    private int _goodFrames;
    private int _closed;
    private long _skipWindowStart;
    private int _skipsInWindow;
    private long _cpuPerFrame;
    private long _deadline;
    private int _framesToSkip;

    public AudioMixer(string meetingId, MixerCounters counters, int bitrate = 32000, int complexity = 5)
    {
        MeetingId = meetingId;
        _counters = counters;
        _all = new MixOutput(bitrate, complexity);
        _minusOne = [new(bitrate, complexity), new(bitrate, complexity), new(bitrate, complexity)];
    }

    public string MeetingId { get; }

    // Set by the scheduler that drives this mixer; Close takes the mixer off it.
    public AudioMixerScheduler? Scheduler { get; set; }

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    public int MaxSpeakers => Volatile.Read(ref _maxSpeakers);

    public MixListener[] Listeners => Volatile.Read(ref _listeners);

    // The thread CPU time one frame of this meeting costs (decode, mix, encode, every listener's
    // packet), nanoseconds, smoothed over about ten frames from 0, so that a first frame's one-off cost
    // (codec set-up, a cold cache) cannot make a new meeting look like an overloaded pool.
    public long CpuPerFrameNanoseconds => Interlocked.Read(ref _cpuPerFrame);

    // The last frame mixed or skipped (-1 before the first): where the mix's timeline is now.
    public long FrameIndex => Interlocked.Read(ref _frameIndex);

    // For tests and figures: the output a frame produced (0 = the full mix, 1..3 = minus-one of channel k-1).
    public MixOutput Output(int index) => index == 0 ? _all : _minusOne[index - 1];

    public MixerChannel Channel(int index) => _channels[index];

    // The meeting's top-3 audio (ConferenceSelection.Audible), most important first; applied at the
    // next frame boundary.
    public void SetSpeakers(IReadOnlyList<string> speakers) => Volatile.Write(ref _desired, speakers.Take(Speakers).ToArray());

    public void AddListener(MixListener listener)
    {
        lock (_listenerLock)
            Volatile.Write(ref _listeners, [.. _listeners, listener]);
    }

    public bool RemoveListener(MixListener listener)
    {
        lock (_listenerLock)
        {
            if (Array.IndexOf(_listeners, listener) < 0)
                return false;
            Volatile.Write(ref _listeners, _listeners.Where(l => l != listener).ToArray());
            return true;
        }
    }

    // The packet path: one decrypted Opus payload of a publisher. Kept only if it is being mixed.
    // ssrc: the publisher's RTP SSRC, listed as a contributing source of the mixes (0 = unknown).
    public bool TryPush(string participantId, ushort sequence, ReadOnlySpan<byte> payload, uint ssrc = 0)
    {
        if (IsClosed)
            return false;
        for (var i = 0; i < _channels.Length; i++)
        {
            if (_channels[i].TryPush(participantId, sequence, payload, ssrc))
            {
                _counters.PacketIn();
                return true;
            }
        }
        return false;
    }

    // The clock: `frames` more frames are owed (more than one when the clock thread woke late). True
    // when the caller must queue this mixer for a worker (it was idle: it may then catch up on up to
    // FrameClock.MaxCatchUp frames). A mixer still busy with earlier frames that would owe more than
    // MaxOwedFrames has fallen behind: the excess frames are skipped. poolOverloaded: the mixers' own CPU
    // (AudioMixerScheduler.IsOverloaded) is what the pool cannot keep up with; only then do repeated skips
    // drop a speaker. Otherwise the frames were late because the machine gave the mixer no core (other
    // processes, a stall), and mixing one voice fewer would not have made them on time (issue 17: a
    // loaded test machine made a one-meeting mixer drop a tone the listener was meant to hear).
    // deadline: when the newest owed frame was due (Stopwatch ticks; 0 = now), for the latency stages.
    public bool Schedule(int frames = 1, bool poolOverloaded = true, long deadline = 0)
    {
        if (IsClosed)
            return false;
        Interlocked.Exchange(ref _deadline, deadline);
        var idle = Interlocked.CompareExchange(ref _busy, 1, 0) == 0;
        var limit = idle ? FrameClock.MaxCatchUp : MaxOwedFrames;
        var owed = Interlocked.Add(ref _owed, frames);
        for (; owed > limit; owed--)
        {
            Interlocked.Decrement(ref _owed);
            OnFrameSkipped(mixerLate: !idle && poolOverloaded);
        }
        return idle;
    }

    // A worker: every owed frame, in order; re-checks after releasing so a frame owed meanwhile is not
    // stranded until the next tick.
    public void RunOwedFrames(MediaSender sender)
    {
        do
        {
            try
            {
                while (Volatile.Read(ref _owed) is var owed and > 0 && !IsClosed)
                {
                    // Owed frames are mixed oldest first, one period apart before the newest's deadline.
                    var newest = Interlocked.Read(ref _deadline);
                    MixOwnedFrame(sender, newest == 0 ? 0 : newest - (owed - 1) * MixFormat.FramePeriodTicks);
                    Interlocked.Decrement(ref _owed);
                }
            }
            finally
            {
                Volatile.Write(ref _busy, 0);
            }
        }
        while (Volatile.Read(ref _owed) > 0 && Interlocked.CompareExchange(ref _busy, 1, 0) == 0);
    }

    // The clock ticked while the previous frame was still being mixed: this frame is skipped (its
    // timestamp still passes, so listeners conceal it) and the mix loses a speaker until it keeps up.
    // Called by the clock thread only, so the skip window needs no lock. mixerLate false: the frame's
    // time passed while the whole process stalled (the clock resynchronised) or while the machine kept
    // the mixer off the cores, which is no reason to mix fewer voices.
    public void OnFrameSkipped(bool mixerLate = true)
    {
        var frame = Interlocked.Increment(ref _frameIndex);
        _counters.FrameSkipped();
        // The speakers' audio of the skipped frame is dropped with it at the next mixed frame, so a
        // skip costs listeners 20 ms of audio but never adds 20 ms to the mix's delay (issue 17: skips
        // used to pile up in the jitter buffers to their 160 ms trim).
        Interlocked.Increment(ref _framesToSkip);
        if (!mixerLate)
            return;
        Volatile.Write(ref _goodFrames, 0);
        if (frame - _skipWindowStart >= SkipWindowFrames)
        {
            _skipWindowStart = frame;
            _skipsInWindow = 0;
        }
        if (++_skipsInWindow < SkipsToDrop)
            return;
        _skipsInWindow = 0;
        var max = Volatile.Read(ref _maxSpeakers);
        if (max > 1 && Interlocked.CompareExchange(ref _maxSpeakers, max - 1, max) == max)
            _counters.SpeakerDropped();
    }

    // One 20 ms frame on the calling thread, for callers outside the scheduler (tests, benchmarks): it
    // takes the frame like a worker does, waiting for one in progress. Returns the number of encodes;
    // 0 once the mixer is closed (its codecs are gone).
    public int MixFrame(MediaSender sender)
    {
        var wait = new SpinWait();
        while (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            if (IsClosed)
                return 0;
            wait.SpinOnce();
        }
        try
        {
            return IsClosed ? 0 : MixOwnedFrame(sender, 0);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    // One 20 ms frame: mix, encode what listeners need, send. Only while holding _busy. deadline: when
    // the clock wanted the frame (Stopwatch ticks; 0 = now, for callers outside the scheduler).
    private int MixOwnedFrame(MediaSender sender, long deadline)
    {
        var started = Stopwatch.GetTimestamp();
        if (deadline == 0 || deadline > started)
            deadline = started;
        var cpuStart = Native.ThreadCpuNanoseconds();
        var frameIndex = Interlocked.Increment(ref _frameIndex);
        if (Interlocked.Exchange(ref _framesToSkip, 0) is var skipped and > 0)
        {
            foreach (var channel in _channels)
                channel.Skip(skipped);
        }
        ApplySpeakers();
        var decodesBefore = DecodeCount();
        for (var k = 0; k < Speakers; k++)
        {
            _frameOwners[k] = _channels[k].ParticipantId;
            _audible[k] = _channels[k].Render(_frames[k]);
        }

        var listeners = Listeners;
        Array.Clear(_needed);
        for (var i = 0; i < listeners.Length; i++)
            _needed[TargetOf(listeners[i])] = true;

        var encodes = 0;
        if (_needed[0])
        {
            Sum(_all.Pcm, -1);
            encodes += _all.LimitAndEncode() ? 1 : 0;
        }
        for (var k = 0; k < Speakers; k++)
        {
            if (!_needed[k + 1])
                continue;
            Sum(_minusOne[k].Pcm, k);
            encodes += _minusOne[k].LimitAndEncode() ? 1 : 0;
        }

        ListContributors();
        var codecCpu = cpuStart < 0 ? 0 : Native.ThreadCpuNanoseconds() - cpuStart;
        var sent = 0;
        for (var i = 0; i < listeners.Length; i++)
        {
            var target = TargetOf(listeners[i]);
            var contributors = _contributors[target].AsSpan(0, _contributorCounts[target]);
            if (listeners[i].Send(Output(target), frameIndex, sender, contributors))
                sent++;
            // RFC 3550 §6.4.1 sender reports, once a second per listener, spread over the second's frames.
            if ((frameIndex + i) % SenderReportFrames == 0)
                listeners[i].SendSenderReport(frameIndex, sender);
        }
        sender.Flush();

        var now = Stopwatch.GetTimestamp();
        if (sent > 0)
        {
            _counters.Queued.Record(started - deadline);
            _counters.Work.Record(now - started);
            for (var k = 0; k < Speakers; k++)
            {
                var arrival = _channels[k].FrameArrival;
                if (arrival == 0)
                    continue;
                _counters.Latency.Record(now - arrival);
                _counters.Buffered.Record(deadline - arrival);
            }
        }
        var cpu = cpuStart < 0 ? -1 : Native.ThreadCpuNanoseconds() - cpuStart;
        if (cpu >= 0)
        {
            var smoothed = Interlocked.Read(ref _cpuPerFrame);
            Interlocked.Exchange(ref _cpuPerFrame, smoothed + (cpu - smoothed) / 10);
        }
        _counters.FrameMixed((int)(DecodeCount() - decodesBefore), encodes, sent, cpu, codecCpu);
        if (Volatile.Read(ref _maxSpeakers) < Speakers && Interlocked.Increment(ref _goodFrames) >= RecoverFrames)
        {
            Interlocked.Increment(ref _maxSpeakers);
            Volatile.Write(ref _goodFrames, 0);
        }
        return encodes;
    }

    private void ListContributors()
    {
        for (var output = 0; output <= Speakers; output++)
        {
            var count = 0;
            for (var k = 0; k < Speakers; k++)
            {
                if (_audible[k] && k + 1 != output && _channels[k].SourceSsrc is var ssrc and not 0)
                    _contributors[output][count++] = ssrc;
            }
            _contributorCounts[output] = count;
        }
    }

    // Which output a listener hears this frame: its own minus-one while it holds a channel (audible
    // or not, so a speaker pausing between words does not hop between encoders), else the full mix.
    private int TargetOf(MixListener listener)
    {
        for (var k = 0; k < Speakers; k++)
        {
            if (string.Equals(_frameOwners[k], listener.ParticipantId, StringComparison.Ordinal))
                return k + 1;
        }
        return 0;
    }

    private void Sum(float[] destination, int excluded)
    {
        Array.Clear(destination);
        for (var k = 0; k < Speakers; k++)
        {
            if (k == excluded || !_audible[k])
                continue;
            var frame = _frames[k];
            for (var i = 0; i < destination.Length; i++)
                destination[i] += frame[i];
        }
    }

    // Channels follow the desired speakers (limited to MaxSpeakers): a speaker keeps its channel while
    // it stays; one who left fades out; a newcomer takes an idle channel, or one whose speaker is fading.
    private void ApplySpeakers()
    {
        var desired = Volatile.Read(ref _desired);
        var count = Math.Min(desired.Length, Volatile.Read(ref _maxSpeakers));
        for (var k = 0; k < Speakers; k++)
        {
            var channel = _channels[k];
            if (channel.State == MixerChannelState.Idle)
                continue;
            var keep = channel.State != MixerChannelState.Leaving && IndexOf(desired, count, channel.ParticipantId) >= 0;
            var pendingWanted = channel.PendingParticipantId is { } pending && IndexOf(desired, count, pending) >= 0;
            if (channel.State == MixerChannelState.Leaving && IndexOf(desired, count, channel.ParticipantId) >= 0)
                channel.Assign(channel.ParticipantId!);
            else if (!keep && !pendingWanted)
                channel.Release();
        }
        for (var i = 0; i < count; i++)
        {
            var id = desired[i];
            if (IsPlaced(id))
                continue;
            var free = FindChannel(MixerChannelState.Idle) ?? FindLeavingWithoutSuccessor();
            free?.Assign(id);
        }
    }

    private bool IsPlaced(string id)
    {
        foreach (var channel in _channels)
        {
            if (channel.State != MixerChannelState.Idle && (channel.ParticipantId == id && channel.State != MixerChannelState.Leaving || channel.PendingParticipantId == id))
                return true;
        }
        return false;
    }

    private MixerChannel? FindChannel(MixerChannelState state) => Array.Find(_channels, c => c.State == state);

    private MixerChannel? FindLeavingWithoutSuccessor() =>
        Array.Find(_channels, c => c.State == MixerChannelState.Leaving && c.PendingParticipantId is null);

    private static int IndexOf(string[] ids, int count, string? id)
    {
        for (var i = 0; i < count; i++)
        {
            if (string.Equals(ids[i], id, StringComparison.Ordinal))
                return i;
        }
        return -1;
    }

    private long DecodeCount()
    {
        var total = 0L;
        foreach (var channel in _channels)
            total += channel.Decodes;
        return total;
    }

    // The meeting's media ended: off the clock, then (once a running frame has finished) the codecs go.
    // Close keeps _busy for good, so no frame can start on the disposed codecs.
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
            return;
        Scheduler?.Remove(this);
        var wait = new SpinWait();
        while (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
            wait.SpinOnce();
        DisposeCodecs();
    }

    public void Dispose() => Close();

    private void DisposeCodecs()
    {
        foreach (var channel in _channels)
            channel.Dispose();
        _all.Dispose();
        foreach (var output in _minusOne)
            output.Dispose();
    }
}

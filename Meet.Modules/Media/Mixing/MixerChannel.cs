namespace Meet.Modules.Media.Mixing;

// One of a meeting mixer's three speaker channels: the speaker's jitter buffer, decoder and a small
// PCM queue (a packet may carry 10 to 120 ms; the mixer takes 20 ms per step). The speaker changes
// only through Assign/Release, called by the mixer's worker at a frame boundary; a speaker that leaves fades out over one frame
// before the channel is reset for the next, and a new one fades in, so switches do not click.
// Threads: TryPush runs on the packet path (under _assignment, then the jitter buffer's own lock);
// everything else, and above all the decoder, only on the thread holding the mixer's frame
// (AudioMixer's busy flag), so Fill's Jitter.Pop needs no _assignment: the buffer locks itself.
internal sealed class MixerChannel : IDisposable
{
    private readonly OpusDecoder _decoder = new();
    // Room for a frame and a pitch-period compression's second frame beside the longest packet.
    private readonly float[] _queue = new float[MixFormat.MaxPacketSamples + PitchCompressor.Needed];
    private readonly byte[] _packet = new byte[MixFormat.MaxPacketBytes];
    private readonly Lock _assignment = new();
    private int _queued;

    public SpeakerJitterBuffer Jitter { get; } = new();

    public MixerChannelState State { get; private set; }

    // Who is mixed on this channel now (also while Leaving); null when Idle.
    public string? ParticipantId { get; private set; }

    // Who takes the channel once the leaving speaker has faded out.
    public string? PendingParticipantId { get; private set; }

    public long Decodes { get; private set; }

    // Arrival (Stopwatch ticks) of the first packet decoded for the last rendered frame; 0 if none was.
    public long FrameArrival { get; private set; }

    public long DecodeErrors { get; private set; }

    // The packet path: a packet of participantId, kept only while it is this channel's speaker (a
    // leaving speaker's packets are not needed: its fade frame is already buffered or concealed).
    public bool TryPush(string participantId, ushort sequence, ReadOnlySpan<byte> payload, uint ssrc = 0)
    {
        lock (_assignment)
        {
            if (State is MixerChannelState.Idle or MixerChannelState.Leaving || !string.Equals(ParticipantId, participantId, StringComparison.Ordinal))
                return false;
            if (ssrc != 0)
                SourceSsrc = ssrc;
            return Jitter.Push(sequence, payload);
        }
    }

    // The speaker's own RTP SSRC (its last packet's), the contributing source of the mixes it is in
    // (RFC 3550 §7.1); 0 before its first packet.
    public uint SourceSsrc { get; private set; }

    public void Assign(string participantId)
    {
        if (State is MixerChannelState.Idle)
        {
            Start(participantId);
            return;
        }
        if (ParticipantId == participantId)
        {
            PendingParticipantId = null;
            if (State == MixerChannelState.Leaving)
                State = MixerChannelState.Active;
            return;
        }
        lock (_assignment)
        {
            PendingParticipantId = participantId;
            State = MixerChannelState.Leaving;
        }
    }

    public void Release()
    {
        lock (_assignment)
        {
            PendingParticipantId = null;
            if (State != MixerChannelState.Idle)
                State = MixerChannelState.Leaving;
        }
    }

    // This channel's next 20 ms into frame (faded as its state says). Returns false for silence (the
    // frame is cleared). Packets of a leaving or idle channel are never decoded after its fade frame.
    public bool Render(Span<float> frame)
    {
        frame.Clear();
        FrameArrival = 0;
        if (State == MixerChannelState.Idle)
            return false;
        var audible = Fill(frame);
        switch (State)
        {
            case MixerChannelState.Entering:
                if (audible)
                {
                    Ramp(frame, 0f, 1f);
                    lock (_assignment)
                        State = MixerChannelState.Active;
                }
                break;
            case MixerChannelState.Leaving:
                if (audible)
                    Ramp(frame, 1f, 0f);
                var next = PendingParticipantId;
                Stop();
                if (next is not null)
                    Start(next);
                break;
        }
        return audible;
    }

    private bool Fill(Span<float> frame)
    {
        var audible = _queued > 0;
        while (_queued < MixFormat.FrameSamples && DecodeNext())
            audible = true;
        // The jitter buffer held a packet more than its observed jitter needed for a second: play one
        // pitch period faster (it then holds less delay) instead of dropping a packet with a step.
        if (audible && Jitter.TakeShrink())
        {
            while (_queued < PitchCompressor.Needed && DecodeNext())
            {
            }
            _queued -= PitchCompressor.Compress(_queue, _queued);
        }
        var take = Math.Min(_queued, MixFormat.FrameSamples);
        _queue.AsSpan(0, take).CopyTo(frame);
        _queue.AsSpan(take, _queued - take).CopyTo(_queue);
        _queued -= take;
        return audible;
    }

    // Decodes the jitter buffer's next step into the queue; false when it had nothing to play.
    private bool DecodeNext()
    {
        var kind = Jitter.Pop(_packet, out var length);
        if (kind == JitterFrameKind.Silence)
            return false;
        var room = _queue.AsSpan(_queued);
        var decoded = kind switch
        {
            JitterFrameKind.Packet => _decoder.Decode(_packet.AsSpan(0, length), room),
            JitterFrameKind.Fec => _decoder.DecodeFec(_packet.AsSpan(0, length), room),
            _ => _decoder.Conceal(room),
        };
        if (kind == JitterFrameKind.Packet && FrameArrival == 0)
            FrameArrival = Jitter.LastArrival;
        if (decoded <= 0)
        {
            // A corrupt packet: counted, and its 20 ms concealed so the timeline stays whole.
            DecodeErrors++;
            decoded = _decoder.Conceal(room);
            if (decoded <= 0)
                return false;
        }
        Decodes++;
        _queued += decoded;
        return true;
    }

    // The mixer skipped `frames` frames of its timeline: this speaker's audio for them is dropped too
    // (first what is already decoded, then whole packets), so the speaker's delay does not grow by them.
    public void Skip(int frames)
    {
        if (State == MixerChannelState.Idle)
            return;
        for (var i = 0; i < frames; i++)
        {
            if (_queued >= MixFormat.FrameSamples)
            {
                _queue.AsSpan(MixFormat.FrameSamples, _queued - MixFormat.FrameSamples).CopyTo(_queue);
                _queued -= MixFormat.FrameSamples;
            }
            else
            {
                Jitter.Skip(1);
            }
        }
    }

    private static void Ramp(Span<float> frame, float from, float to)
    {
        var step = (to - from) / frame.Length;
        for (var i = 0; i < frame.Length; i++)
            frame[i] *= from + step * i;
    }

    private void Start(string participantId)
    {
        lock (_assignment)
        {
            ParticipantId = participantId;
            PendingParticipantId = null;
            SourceSsrc = 0;
            State = MixerChannelState.Entering;
        }
    }

    private void Stop()
    {
        lock (_assignment)
        {
            ParticipantId = null;
            PendingParticipantId = null;
            SourceSsrc = 0;
            State = MixerChannelState.Idle;
            Jitter.Reset();
        }
        _queued = 0;
        _decoder.Reset();
    }

    public void Dispose() => _decoder.Dispose();
}

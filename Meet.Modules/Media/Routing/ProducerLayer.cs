namespace Meet.Modules.Media.Routing;

// Receive statistics of one simulcast layer (one SSRC) of a producer, for receiver reports
// (RFC 3550 §6.4.1) and for telling which layers are currently arriving.
internal sealed class ProducerLayer
{
    public ProducerLayer(string rid, bool detectLoss = false)
    {
        Rid = rid;
        Loss = detectLoss ? new Bandwidth.UpstreamLossDetector() : null;
    }

    public string Rid { get; }

    public uint Ssrc { get; set; }

    public bool HasSsrc { get; set; }

    public long LastPacketTimestamp { get; set; }

    public long PacketsReceived { get; set; }

    public uint BaseSequence { get; set; }

    // Highest sequence number with its wrap count in the high 16 bits (RFC 3550 Appendix A.1).
    public uint ExtendedHighestSequence { get; set; }

    public bool Started { get; set; }

    // Middle 32 bits of the last sender report's NTP time and when it arrived, for LSR/DLSR.
    public uint LastSenderReport { get; set; }

    public long LastSenderReportTimestamp { get; set; }

    public long LastKeyFrameRequest { get; set; }

    // Issue 10 "Measure": the first PLI sent and the first keyframe received (its first packet) since
    // KeyFrameWatchFrom, in Stopwatch ticks, 0 = none yet. The speaker-change trace starts the watch when
    // the router decides on a new speaker; written on PLIs and keyframes only, never per packet.
    public long KeyFrameWatchFrom;
    public long FirstRequestSinceWatch;
    public long FirstKeyFrameSinceWatch;

    public void WatchKeyFrames(long from)
    {
        Volatile.Write(ref FirstRequestSinceWatch, 0);
        Volatile.Write(ref FirstKeyFrameSinceWatch, 0);
        Volatile.Write(ref KeyFrameWatchFrom, from);
    }

    // `now` is a PLI sent or a keyframe received: the first since the watch began is kept.
    public static void Stamp(ref long first, long watchFrom, long now)
    {
        if (watchFrom != 0 && now >= watchFrom && Volatile.Read(ref first) == 0)
            Volatile.Write(ref first, now);
    }

    public int KeyFrameRequestPending;

    // Bytes received (packet path, one writer) and the bitrate measured from them once a second
    // (issue 11: what forwarding this layer costs a subscriber's downlink).
    public long Octets;

    public double Bitrate { get; private set; }

    private long _bitrateWindowStart;
    private long _bitrateWindowOctets;
    // The last full window's rate, folded into Bitrate only once the window after it also carried media:
    // the window a layer stops in (dynacast paused it, the encoder dropped it) is partly idle and would
    // pull the rate it keeps while stopped low (a 1.5 Mbps 720p layer kept ~725 kbps), and so is the
    // window it resumes in (skipped). NaN: none pending.
    private double _pendingRate = double.NaN;
    private bool _idle;

    public void MeasureBitrate(long now)
    {
        if (_bitrateWindowStart == 0)
        {
            _bitrateWindowStart = now;
            _bitrateWindowOctets = Volatile.Read(ref Octets);
            return;
        }
        var elapsed = now - _bitrateWindowStart;
        if (elapsed < System.Diagnostics.Stopwatch.Frequency)
            return;
        var octets = Volatile.Read(ref Octets);
        _bitrateWindowStart = now;
        if (octets == _bitrateWindowOctets)
        {
            // Stopped: it keeps the rate it had while it flowed, what resuming it would cost a subscriber's downlink.
            _pendingRate = double.NaN;
            _idle = true;
            return;
        }
        var rate = (octets - _bitrateWindowOctets) * 8.0 * System.Diagnostics.Stopwatch.Frequency / elapsed;
        _bitrateWindowOctets = octets;
        if (!double.IsNaN(_pendingRate))
            Bitrate = Bitrate == 0 ? _pendingRate : 0.5 * Bitrate + 0.5 * _pendingRate;
        // The first window after a stop began idle: it is not a measure of the layer's rate.
        _pendingRate = _idle ? double.NaN : rate;
        _idle = false;
    }

    // Issue 11: the resolution of the layer's last key frame (VP8), 0 until one was seen. Written by the
    // packet path, read by the allocator once per tick; the two halves may be read from different key
    // frames during a resolution change, which only shifts one tick's tile-size cap.
    public int Width => Volatile.Read(ref _width);

    public int Height => Volatile.Read(ref _height);

    private int _width;
    private int _height;

    public void SetResolution(int width, int height)
    {
        Volatile.Write(ref _width, width);
        Volatile.Write(ref _height, height);
    }

    // Dynacast (issue 11): the publisher was told to stop this layer (no subscriber wants it), and since
    // when nobody has wanted it (0 = someone does). Router lock only.
    public bool DynacastPaused { get; set; }

    public long UnwantedSince { get; set; }

    // Video only: gaps on the publisher's uplink, NACKed towards the publisher (issue 11).
    public Bandwidth.UpstreamLossDetector? Loss { get; }

    public void OnPacket(ushort sequenceNumber, long now)
    {
        LastPacketTimestamp = now;
        PacketsReceived++;
        if (!Started)
        {
            Started = true;
            BaseSequence = sequenceNumber;
            ExtendedHighestSequence = sequenceNumber;
            return;
        }
        var highest = (ushort)ExtendedHighestSequence;
        var delta = (ushort)(sequenceNumber - highest);
        if (delta != 0 && delta < 0x8000)
        {
            var cycles = ExtendedHighestSequence & 0xFFFF_0000u;
            if (sequenceNumber < highest)
                cycles += 0x1_0000u;
            ExtendedHighestSequence = cycles | sequenceNumber;
        }
    }
}

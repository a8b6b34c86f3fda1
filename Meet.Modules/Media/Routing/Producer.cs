using System.Diagnostics;
using Meet.Modules.Media.Mixing;
using Meet.Modules.Media.Protocols.Rtcp;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Transport;

namespace Meet.Modules.Media.Routing;

// One published track (mediasoup's Producer): its simulcast layers, the consumers fed from it and
// keyframe requests towards the publisher, coalesced to one per layer per 300 ms (SPEC "SFU behaviour").
internal sealed partial class Producer
{
    private static readonly long KeyFrameRequestInterval = Stopwatch.Frequency * 300 / 1000;
    private static readonly long LayerActiveWindow = Stopwatch.Frequency * 2;
    // Simulcast layers carry the same frames at the same instants. A layer that has been silent this long
    // while a lower layer kept sending has stopped (the publisher's encoder dropped it for CPU or
    // bandwidth, or dynacast paused it): consumers on it move down now rather than freeze for the whole
    // LayerActiveWindow, which stays for a track whose every layer went quiet (video muted).
    private static readonly long LayerOvertakenWindow = Stopwatch.Frequency / 2;

    // RFC 6464 level (-dBov) at or under which a packet counts as voiced: speech is typically -20 to
    // -45 dBov, background noise and comfort noise far quieter.
    public const int VoicedLevel = 50;

    private readonly MediaCounters _counters;
    private Consumer[] _consumers = [];
    private volatile int _bestLayer;
    private int _levelPackets;
    private int _voicedPackets;
    private double _voicedCarry;

    public Producer(string id, string participantId, WebRtcTransport transport, MediaKind kind, string mid, string trackId,
        IReadOnlyList<RtpCodec> codecs, IReadOnlyList<string> rids, MediaCounters counters)
    {
        Id = id;
        ParticipantId = participantId;
        Transport = transport;
        Kind = kind;
        Mid = mid;
        TrackId = trackId;
        Codecs = codecs;
        _counters = counters;
        var video = kind == MediaKind.Video;
        Layers = rids.Count == 0 ? [new ProducerLayer("", video)] : rids.Select(r => new ProducerLayer(r, video)).ToArray();
        // Only video with negotiated RTX can answer NACKs: SRTP forbids re-protecting a sequence number.
        Caches = kind == MediaKind.Video && codecs.Any(c => c.RtxPayloadType is not null)
            ? Layers.Select(_ => new RtpPacketCache()).ToArray()
            : null;
        OpusPayloadType = codecs.FirstOrDefault(c => c.Name.Equals("opus", StringComparison.OrdinalIgnoreCase))?.PayloadType ?? -1;
        RedPayloadType = codecs.FirstOrDefault(c => c.Name.Equals("red", StringComparison.OrdinalIgnoreCase))?.PayloadType ?? -1;
        // Until layers are seen, aim at the lowest: it is the one Chrome always sends first.
        _bestLayer = 0;
    }

    public string Id { get; }

    public string ParticipantId { get; }

    public WebRtcTransport Transport { get; }

    public MediaKind Kind { get; }

    public string Mid { get; }

    public string TrackId { get; }

    public IReadOnlyList<RtpCodec> Codecs { get; }

    public ProducerLayer[] Layers { get; }

    public RtpPacketCache[]? Caches { get; }

    public bool IsClosed { get; private set; }

    // A screen share (the publisher marked its m-section a=content:slides, RFC 4796): always
    // forwarded, outside last-N, in its own slot.
    public bool IsScreen { get; init; }

    public int BestLayer => _bestLayer;

    public Consumer[] Consumers => Volatile.Read(ref _consumers);

    // The publisher's negotiated id of the ssrc-audio-level extension (0 = none): levels are read from
    // the header, never from the (encrypted end to end, or simply opaque) payload.
    public int AudioLevelExtensionId { get; set; }

    // The publisher's transport-wide sequence element (0 = none), reused in place for our own numbering
    // towards each subscriber (issue 11).
    public int TransportCcExtensionId { get; set; }

    // A mixing meeting's mixer (issue 17): this microphone's Opus goes there instead of to consumers.
    public AudioMixer? Mixer { get; set; }

    // The payload type negotiated for Opus, -1 when the track has none (nothing the mixer can decode).
    public int OpusPayloadType { get; }

    // RFC 2198 redundant audio around Opus (issue 11), -1 when not negotiated.
    public int RedPayloadType { get; }

    public int FindLayer(ReadOnlySpan<byte> rid)
    {
        if (Layers.Length == 1)
            return 0;
        Span<char> chars = stackalloc char[16];
        if (rid.Length > chars.Length)
            return -1;
        for (var i = 0; i < rid.Length; i++)
            chars[i] = (char)rid[i];
        for (var i = 0; i < Layers.Length; i++)
        {
            if (Layers[i].Rid.AsSpan().SequenceEqual(chars[..rid.Length]))
                return i;
        }
        return -1;
    }

    // The forwarding hot path: one decrypted packet of layer `layer`, fanned out to every consumer.
    public void OnRtp(Span<byte> packet, in RtpHeader header, int layer, MediaSender sender)
    {
        var now = Stopwatch.GetTimestamp();
        var state = Layers[layer];
        state.OnPacket(header.SequenceNumber, now);
        state.Octets += packet.Length;
        if (state.Loss?.OnPacket(header.SequenceNumber, now) == true)
            SendNack(state, now, sender);
        Caches?[layer].Store(header.SequenceNumber, packet, now);
        if (Kind == MediaKind.Audio && AudioLevelExtensionId != 0)
            RecordAudioLevel(packet, header, now);
        if (Mixer is { } mixer)
            PushToMixer(mixer, packet, header);
        var keyFrame = Kind == MediaKind.Audio || IsKeyFrame(packet, header, state);
        if (keyFrame && Kind == MediaKind.Video)
            ProducerLayer.Stamp(ref state.FirstKeyFrameSinceWatch, Volatile.Read(ref state.KeyFrameWatchFrom), now);
        var consumers = Consumers;
        for (var i = 0; i < consumers.Length; i++)
        {
            if (consumers[i].Forward(packet, header, layer, keyFrame, now, sender))
                _counters.RtpOut();
        }
    }

    // The mixer decodes Opus: from RED it takes the primary block, the current frame (the redundant
    // copies only matter to a receiver that lost the previous packet, and the jitter buffer conceals that).
    private void PushToMixer(Mixing.AudioMixer mixer, ReadOnlySpan<byte> packet, in RtpHeader header)
    {
        var payload = header.GetPayload(packet);
        if (header.PayloadType == RedPayloadType && RedPayloadType >= 0)
        {
            if (!RedPayload.TryGetPrimary(payload, out var primaryType, out var offset) || primaryType != OpusPayloadType)
            {
                _counters.Drop(MediaDropReason.MalformedRtp);
                return;
            }
            payload = payload[offset..];
        }
        else if (header.PayloadType != OpusPayloadType)
        {
            return;
        }
        mixer.TryPush(ParticipantId, header.SequenceNumber, payload, header.Ssrc);
    }

    // An RTX packet of the publisher's (RFC 4588), answering our NACK: restored in place to the original
    // and handled like one, so the subscribers' streams get the missing packet too.
    public void OnRtx(Span<byte> packet, in RtpHeader header, int layer, MediaSender sender)
    {
        var state = Layers[layer];
        var original = FindOriginalCodec(header.PayloadType);
        if (!state.HasSsrc || original is null || !Bandwidth.RtxPacket.TryRestore(packet, header, state.Ssrc, (byte)original.PayloadType, out var restored)
            || !RtpHeader.TryParse(restored, out var restoredHeader))
        {
            _counters.Adaptive.RtxProbeDropped();
            return;
        }
        _counters.Adaptive.RtxRecoveredPacket();
        OnRtp(restored, restoredHeader, layer, sender);
    }

    private RtpCodec? FindOriginalCodec(int rtxPayloadType)
    {
        for (var i = 0; i < Codecs.Count; i++)
        {
            if (Codecs[i].RtxPayloadType == rtxPayloadType)
                return Codecs[i];
        }
        return null;
    }

    // Upstream loss (issue 11): NACK the publisher for the missing packets of this layer that are due.
    private void SendNack(ProducerLayer state, long now, MediaSender sender)
    {
        if (!state.HasSsrc || state.Loss is null || Caches is null)
            return;
        Span<byte> buffer = stackalloc byte[RtcpHeader.Size + 8 + Bandwidth.UpstreamLossDetector.MaxTracked * RtcpNackItem.Size];
        var written = state.Loss.WriteNack(RtcpSenderSsrc, state.Ssrc, now, NackRetryInterval, buffer);
        if (written > 0 && Transport.SendRtcp(buffer[..written], sender))
            _counters.Adaptive.UpstreamNack();
    }

    // Without a measured uplink RTT, a retry every ~tick: loopback to intercontinental paths all answer
    // within a few of them.
    private static readonly long NackRetryInterval = Stopwatch.Frequency * 90 / 1000;

    private void RecordAudioLevel(ReadOnlySpan<byte> packet, in RtpHeader header, long now)
    {
        if (!header.TryGetExtension(packet, AudioLevelExtensionId, out var value) || !AudioLevelExtension.TryRead(value, out _, out var level))
            return;
        Interlocked.Increment(ref _levelPackets);
        if (level > VoicedLevel)
            return;
        Interlocked.Increment(ref _voicedPackets);
        if (now - _lastVoicedAt > TalkSpurtGap)
            Volatile.Write(ref _voiceOnsetAt, now);
        _lastVoicedAt = now;
    }

    // Without a voiced packet for this long, the next one starts a new talk spurt (pauses between words
    // are shorter). Only the speaker-change timeline reads the onset.
    private static readonly long TalkSpurtGap = Stopwatch.Frequency / 2;
    private long _lastVoicedAt;
    private long _voiceOnsetAt;

    // When the current (or last) talk spurt's first voiced packet was processed (Stopwatch ticks; 0: never
    // voiced). Issue 10 "Measure": the start of the server's own speaker-change timeline.
    public long VoiceOnsetAt => Volatile.Read(ref _voiceOnsetAt);

    // Voice activity since the last call, in [0, 1]: voiced packets over the packets one tick should
    // carry (Opus sends a packet per 20 ms; silence suppression sends none, which counts as silence).
    // A 50 ms selection tick expects 2.5 packets: what does not fit one tick (3 packets, or a burst after
    // jitter) is carried into the next instead of being clipped away. Called under the router's lock only.
    public double TakeVoiceActivity(TimeSpan tick)
    {
        var voiced = Interlocked.Exchange(ref _voicedPackets, 0) + _voicedCarry;
        Interlocked.Exchange(ref _levelPackets, 0);
        var expected = Math.Max(1.0, tick.TotalMilliseconds / 20);
        _voicedCarry = Math.Min(Math.Max(0, voiced - expected), expected);
        return Math.Min(1.0, voiced / expected);
    }

    private bool IsKeyFrame(ReadOnlySpan<byte> packet, in RtpHeader header, ProducerLayer layer)
    {
        var payload = header.GetPayload(packet);
        for (var i = 0; i < Codecs.Count; i++)
        {
            var codec = Codecs[i];
            if (codec.PayloadType != header.PayloadType)
                continue;
            if (codec.IsVp8)
            {
                if (!Vp8PayloadDescriptor.TryParse(payload, out var vp8) || !vp8.IsKeyFrame)
                    return false;
                // Issue 11: the layer's real resolution, for tile sizes (only key frames carry it).
                if (vp8.StartsFrame && Vp8KeyFrameHeader.TryReadSize(payload[vp8.Length..], out var width, out var height))
                    layer.SetResolution(width, height);
                return true;
            }
            if (codec.IsH264)
                return H264Payload.IsKeyFrame(payload);
            // VP9/AV1: no layer-aware parsing yet, so every packet is a switching point.
            return true;
        }
        return false;
    }

    public RtpCodec? FindCodec(int payloadType)
    {
        for (var i = 0; i < Codecs.Count; i++)
        {
            if (Codecs[i].PayloadType == payloadType)
                return Codecs[i];
        }
        return null;
    }

    public void AddConsumer(Consumer consumer)
    {
        lock (Layers)
            Volatile.Write(ref _consumers, [.. _consumers, consumer]);
    }

    public void RemoveConsumer(Consumer consumer)
    {
        lock (Layers)
            Volatile.Write(ref _consumers, _consumers.Where(c => c != consumer).ToArray());
    }

    public void Close()
    {
        IsClosed = true;
        lock (Layers)
            Volatile.Write(ref _consumers, []);
    }

    // PLI towards the publisher (RFC 4585 §6.3.1), at most one per layer per 300 ms; a request inside
    // the window is remembered and sent by the periodic tick when the window ends.
    public void RequestKeyFrame(int layer, MediaSender sender)
    {
        if (Kind == MediaKind.Audio || (uint)layer >= (uint)Layers.Length)
            return;
        var state = Layers[layer];
        var now = Stopwatch.GetTimestamp();
        if (now - state.LastKeyFrameRequest < KeyFrameRequestInterval || !state.HasSsrc)
        {
            Volatile.Write(ref state.KeyFrameRequestPending, 1);
            return;
        }
        SendPli(state, now, sender);
    }

    private void SendPli(ProducerLayer state, long now, MediaSender sender)
    {
        state.LastKeyFrameRequest = now;
        ProducerLayer.Stamp(ref state.FirstRequestSinceWatch, Volatile.Read(ref state.KeyFrameWatchFrom), now);
        Volatile.Write(ref state.KeyFrameRequestPending, 0);
        Span<byte> buffer = stackalloc byte[RtcpPli.Size];
        if (new RtcpPli(RtcpSenderSsrc, state.Ssrc).TryWrite(buffer, out var written) && Transport.SendRtcp(buffer[..written], sender))
            _counters.KeyFrameRequested();
    }

    // SSRC the SFU uses as "sender" in the RTCP it originates towards publishers.
    public const uint RtcpSenderSsrc = 1;

    // Periodic: pending keyframe requests whose window has passed, and which layers are arriving.
    public void OnTick(MediaSender sender)
    {
        var now = Stopwatch.GetTimestamp();
        var best = 0;
        var newestLower = 0L;
        for (var i = 0; i < Layers.Length; i++)
        {
            var state = Layers[i];
            state.MeasureBitrate(now);
            var last = state.LastPacketTimestamp;
            if (state.PacketsReceived > 0 && now - last < LayerActiveWindow && newestLower - last < LayerOvertakenWindow)
                best = i;
            if (state.PacketsReceived > 0)
                newestLower = Math.Max(newestLower, last);
            if (Volatile.Read(ref state.KeyFrameRequestPending) == 1 && state.HasSsrc && now - state.LastKeyFrameRequest >= KeyFrameRequestInterval)
                SendPli(state, now, sender);
            if (state.Loss is { MissingCount: > 0 })
                SendNack(state, now, sender);
        }
        _bestLayer = best;
    }
}

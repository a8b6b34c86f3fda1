using System.Diagnostics;
using Meet.Modules.Media.Bandwidth;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Transport;

namespace Meet.Modules.Media.Routing;

// One subscriber's copy of one producer (mediasoup's SimpleConsumer/SimulcastConsumer), written into
// a slot's OutgoingStream: sequence numbers and timestamps rewritten so that switching layers — or,
// with bounded slots, switching publishers — looks like one continuous stream. It switches only on a
// keyframe of the target layer. payloadTypes maps the producer's payload types to the slot's when a
// slot negotiated with another publisher's numbering carries this one (null = same numbers).
internal sealed partial class Consumer : IProbePaddingSender
{
    private readonly WebRtcTransport _transport;
    private readonly OutgoingStream _stream;
    private readonly byte[]? _payloadTypes;
    private int _currentLayer = -1;
    private readonly SequenceNumberMapper _sequences = new();
    private uint _timestampDelta;
    private volatile bool _paused;
    private volatile int _targetLayer = -1;
    private readonly Vp8PictureIdRewriter _vp8 = new();
    // How many NACKed packets this consumer may resend (issue 11, bad input: a NACK flood). A NACK is a
    // few bytes that ask for up to 17 packets of ~1,200 bytes each: without a bound a subscriber (or anyone
    // spoofing its RTCP) turns the SFU into an amplifier and starves the real media. 250 a second with a
    // burst of 250; a 720p stream at 10 % loss needs ~20. What is over it is counted, not resent.
    private const double NackedPacketsPerSecond = 250;
    private readonly TokenBucket _retransmissions = new(Stopwatch.Frequency);

    public Consumer(string id, Producer producer, string subscriberId, WebRtcTransport transport, string mid,
        OutgoingStream? stream = null, byte[]? payloadTypes = null)
    {
        Id = id;
        Producer = producer;
        SubscriberId = subscriberId;
        _transport = transport;
        Mid = mid;
        _stream = stream ?? new OutgoingStream();
        _payloadTypes = payloadTypes;
    }

    public string Id { get; }

    public Producer Producer { get; }

    public string SubscriberId { get; }

    public string Mid { get; }

    public WebRtcTransport Transport => _transport;

    public uint Ssrc => _stream.Ssrc;

    public uint RtxSsrc => _stream.RtxSsrc;

    public long Retransmitted { get; private set; }

    public int CurrentLayer => _currentLayer;

    public long PacketsSent => _stream.PacketsSent;

    public long OctetsSent => _stream.OctetsSent;

    public bool IsClosed { get; set; }

    public uint LastTimestampOut => _stream.LastTimestampOut;

    public long LastSendTimestamp => _stream.LastSendTimestamp;

    public int ClockRate => Producer.Codecs.Count > 0 ? Producer.Codecs[0].ClockRate : 90000;

    // The layer the subscriber's allocator chose for this track from its downlink estimate (issue 11);
    // -1 = no limit. Set under the router's lock once per tick, read by the packet path.
    public int TargetLayer
    {
        get => _targetLayer;
        set => _targetLayer = value;
    }

    // When the allocator last changed TargetLayer (Stopwatch ticks): up-switches wait a little after any
    // change, so layers do not oscillate.
    public long TargetLayerChangedAt { get; set; }

    // The highest layer the allocator could choose at its last tick (what arrives, capped by the tile).
    public int LayerCeiling { get; set; } = int.MaxValue;

    // What to forward now: the allocator's choice where that layer arrives, else the best that does.
    public int EffectiveTargetLayer
    {
        get
        {
            var best = Producer.BestLayer;
            var target = _targetLayer;
            return target < 0 ? best : Math.Min(target, best);
        }
    }

    // When this consumer last started forwarding (its first packet after creation, a resume or a remap,
    // which for video is a keyframe's first packet), in Stopwatch ticks at the send; 0 = not since then.
    // Stamped once per start, never per packet: the speaker-change timeline reads it (SpeakerChangeTrace).
    public long StartedAt => Volatile.Read(ref _startedAt);

    private long _startedAt;

    // Outside the meeting's selection (last-N video, top-3 audio): zero bytes are sent.
    public bool IsPaused => _paused;

    // Pause stops forwarding at once; resuming restarts like a layer switch: on the next keyframe
    // (requested now), with sequence numbers continuing and the timestamp advanced by the gap, so the
    // subscriber's decoder sees one continuous stream and no freeze on a stale frame.
    public bool SetPaused(bool paused, MediaSender sender)
    {
        if (paused == _paused)
            return false;
        if (!paused)
        {
            Volatile.Write(ref _currentLayer, -1);
            Volatile.Write(ref _startedAt, 0);
            _vp8.OnSwitch();
            Producer.RequestKeyFrame(EffectiveTargetLayer, sender);
        }
        _paused = paused;
        return true;
    }

    public bool Forward(ReadOnlySpan<byte> packet, in RtpHeader header, int layer, bool keyFrame, long now, MediaSender sender)
    {
        if (_paused)
            return false;
        if (layer != _currentLayer)
        {
            if (!_transport.IsConnected)
                return false;
            var target = EffectiveTargetLayer;
            if (layer != target && _currentLayer >= 0)
                return false;
            if (!keyFrame)
            {
                // A decoder can only start (or change resolution) on a keyframe; until the target's
                // keyframe arrives the current layer keeps flowing, so a switch never freezes the tile.
                Producer.RequestKeyFrame(layer, sender);
                return false;
            }
            if (_currentLayer >= 0)
                sender.Counters.Adaptive.LayerSwitch();
            SwitchTo(layer, header, now);
        }
        else if (Producer.Kind == MediaKind.Video && EffectiveTargetLayer is var wanted && wanted != layer)
        {
            Producer.RequestKeyFrame(wanted, sender);
        }

        var isVp8 = TryReadVp8(packet, header, out var descriptor);
        if (isVp8 && descriptor.TemporalLayerId >= 0 && !PassesTemporalLayer(descriptor, keyFrame, sender))
        {
            // A finer step than a spatial switch (issue 11): nothing references the frames dropped here,
            // and their sequence numbers and picture ids are closed up so the subscriber sees no loss.
            _sequences.Drop(header.SequenceNumber);
            _vp8.Drop(descriptor);
            sender.Counters.TemporalLayerDrop();
            return false;
        }
        scoped ReadOnlySpan<byte> outgoing = packet;
        var payloadType = _payloadTypes is null ? -1 : _payloadTypes[header.PayloadType];
        var stream = _stream;
        // RFC 2198 RED to a subscriber that did not negotiate it (issue 11): only the primary Opus block.
        Span<byte> primary = header.PayloadType == Producer.RedPayloadType && Producer.RedPayloadType >= 0 && !stream.RedAccepted
            ? stackalloc byte[RtpPacketCache.MaxPacketSize] : default;
        if (!primary.IsEmpty)
        {
            if (!TryTakeRedPrimary(packet, header, primary, out var length, out var primaryType))
            {
                _sequences.Drop(header.SequenceNumber);
                sender.Counters.Drop(MediaDropReason.MalformedRtp);
                return false;
            }
            outgoing = primary[..length];
            payloadType = _payloadTypes is null ? primaryType : _payloadTypes[primaryType];
            sender.Counters.RedPrimaryForwarded();
        }
        if (!_sequences.TryMap(header.SequenceNumber, out var sequence))
        {
            sender.Counters.TemporalLayerDrop();
            return false;
        }
        var timestamp = header.Timestamp + _timestampDelta;
        var vp8 = isVp8 ? Vp8Rewrite(descriptor, header) : default;
        if (!_transport.SendRtp(outgoing, stream.Ssrc, sequence, timestamp, sender, payloadType, Producer.TransportCcExtensionId, vp8))
            return false;
        if ((ushort)(sequence - stream.LastSequenceOut) < 0x8000)
        {
            stream.LastSequenceOut = sequence;
            stream.LastTimestampOut = timestamp;
            stream.LastSendTimestamp = now;
        }
        stream.PacketsSent++;
        stream.OctetsSent += header.PayloadLength;
        return true;
    }

    // The packet's header (extensions and all, padding flag cleared) followed by RED's primary block,
    // which must be the producer's Opus.
    private bool TryTakeRedPrimary(ReadOnlySpan<byte> packet, in RtpHeader header, Span<byte> destination, out int length, out int primaryType)
    {
        length = 0;
        var payload = header.GetPayload(packet);
        if (!RedPayload.TryGetPrimary(payload, out primaryType, out var offset) || primaryType != Producer.OpusPayloadType)
            return false;
        var block = payload[offset..];
        packet[..header.HeaderLength].CopyTo(destination);
        destination[0] &= 0xDF;
        block.CopyTo(destination[header.HeaderLength..]);
        length = header.HeaderLength + block.Length;
        return true;
    }

    private bool TryReadVp8(ReadOnlySpan<byte> packet, in RtpHeader header, out Vp8PayloadDescriptor descriptor)
    {
        descriptor = default;
        return Producer.Kind == MediaKind.Video && Producer.FindCodec(header.PayloadType) is { IsVp8: true }
            && Vp8PayloadDescriptor.TryParse(header.GetPayload(packet), out descriptor);
    }

    // VP8 with a picture id or TL0PICIDX: the values that continue this subscriber's sequence.
    private Vp8DescriptorRewrite Vp8Rewrite(in Vp8PayloadDescriptor descriptor, in RtpHeader header)
    {
        if (descriptor.PictureId < 0 && descriptor.Tl0PicIdx < 0)
            return default;
        _vp8.Map(descriptor, out var pictureId, out var tl0PicIdx);
        return new Vp8DescriptorRewrite(descriptor, header.HeaderLength, pictureId, tl0PicIdx);
    }

    private void SwitchTo(int layer, in RtpHeader header, long now)
    {
        _vp8.OnSwitch();
        // Continue right after the last packet sent; the timestamp advances by the wall-clock gap so the
        // receiver's jitter buffer sees no jump (at least one tick so frames never share a timestamp).
        if (_currentLayer < 0)
            Volatile.Write(ref _startedAt, Stopwatch.GetTimestamp());
        var stream = _stream;
        var elapsedTicks = stream.LastSendTimestamp == 0 ? 0 : now - stream.LastSendTimestamp;
        var elapsed = (uint)Math.Max(1, elapsedTicks * ClockRate / Stopwatch.Frequency);
        _sequences.Rebase(header.SequenceNumber, (ushort)(stream.LastSequenceOut + 1));
        _timestampDelta = stream.LastTimestampOut + elapsed - header.Timestamp;
        _currentLayer = layer;
        OnKeyFrameSwitch();
    }

    // The subscriber lost the picture (PLI/FIR): ask the publisher for a keyframe of the layer we send.
    public void RequestKeyFrame(MediaSender sender)
    {
        sender.Counters.KeyFrameRequestReceived();
        Producer.RequestKeyFrame(_currentLayer >= 0 ? _currentLayer : EffectiveTargetLayer, sender);
    }

    // A subscriber NACKed `sequenceNumber` (ours): resend the cached original as RTX (RFC 4588 §4):
    // RTX payload type and SSRC, its own sequence, the original sequence number (OSN) before the payload.
    public void Retransmit(ushort sequenceNumber, MediaSender sender)
    {
        sender.Counters.NackReceived();
        var caches = Producer.Caches;
        var layer = _currentLayer;
        if (caches is null || layer < 0)
            return;
        if (_transport.Downlink is { AnswersNacks: false })
        {
            // The seed's rule (Failure Scenario 1): past the RTT limit a retransmission arrives too late
            // to be played; a keyframe (coalesced per publisher layer) repairs the picture instead.
            sender.Counters.Adaptive.NackRefusedForRtt();
            sender.Counters.Adaptive.KeyFrameInsteadOfNack();
            Producer.RequestKeyFrame(layer, sender);
            return;
        }
        var now = Stopwatch.GetTimestamp();
        if (!_retransmissions.TryTake(1, NackedPacketsPerSecond, NackedPacketsPerSecond, now))
        {
            sender.Counters.Adaptive.RetransmissionOverBudget();
            return;
        }
        Span<byte> original = stackalloc byte[RtpPacketCache.MaxPacketSize];
        if (!_sequences.TryUnmap(sequenceNumber, out var sourceSequence)
            || !caches[layer].TryCopy(sourceSequence, original, out var length)
            || !RtpHeader.TryParse(original[..length], out var header)
            || Producer.FindCodec(header.PayloadType)?.RtxPayloadType is not { } rtxPayloadType)
            return;
        if (_transport.Downlink is { } downlink && !downlink.TryTakeRetransmission(length, now))
        {
            sender.Counters.Adaptive.RetransmissionOverEstimate();
            return;
        }
        if (_payloadTypes is not null)
            rtxPayloadType = _payloadTypes[rtxPayloadType];
        Span<byte> payload = stackalloc byte[RtpPacketCache.MaxPacketSize + 2];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(payload, sequenceNumber);
        var body = header.GetPayload(original[..length]);
        body.CopyTo(payload[2..]);
        // The cached original carries the publisher's picture id: the retransmission must carry ours.
        if (Producer.FindCodec(header.PayloadType) is { IsVp8: true } && Vp8PayloadDescriptor.TryParse(body, out var descriptor))
        {
            // A packet of a picture dropped for its temporal layer that arrived too late to close its gap:
            // the subscriber must not get it now either.
            if (descriptor.TemporalLayerId > _currentTemporalLayer)
                return;
            _vp8.Map(descriptor, out var pictureId, out var tl0PicIdx);
            descriptor.TryRewrite(payload[2..], pictureId, tl0PicIdx);
        }
        Span<byte> packet = stackalloc byte[RtpPacketCache.MaxPacketSize + 16];
        var rtxSequence = _stream.NextRtxSequence();
        var rtxTimestamp = header.Timestamp + _timestampDelta;
        var writer = new RtpPacketWriter(packet, (byte)rtxPayloadType, rtxSequence, rtxTimestamp, RtxSsrc, header.Marker);
        // Our transport-wide sequence number, as on everything else we send this subscriber: its feedback
        // then counts the repair traffic in the estimate (and Chrome sends no REMB about an unnumbered stream).
        writer.AddExtension(TransportSequenceStamper.SubscriberExtensionId, [0, 0]);
        if (writer.TryComplete(payload[..(body.Length + 2)], 0, out var written)
            && _transport.SendRtp(packet[..written], RtxSsrc, rtxSequence, rtxTimestamp, sender, -1, TransportSequenceStamper.SubscriberExtensionId))
        {
            Retransmitted++;
            sender.Counters.RtpRetransmittedOut();
        }
    }

    // Probe padding (issue 11) on this consumer's RTX stream: padding-only packets with our transport-wide
    // sequence number, at the last timestamp sent, so the subscriber's decoder sees nothing new.
    public int SendPadding(int bytes, MediaSender sender)
    {
        if (IsClosed || Producer.Kind != MediaKind.Video || RtxPayloadType() is not { } payloadType)
            return 0;
        Span<byte> packet = stackalloc byte[ProbePadding.MaxPacketSize];
        var sent = 0;
        while (sent < bytes)
        {
            var sequence = _stream.NextRtxSequence();
            var timestamp = _stream.LastTimestampOut;
            if (!ProbePadding.TryWrite(packet, payloadType, sequence, timestamp, RtxSsrc, bytes - sent, out var length)
                || !_transport.SendRtp(packet[..length], RtxSsrc, sequence, timestamp, sender, -1, TransportSequenceStamper.SubscriberExtensionId))
                break;
            sent += length;
        }
        return sent;
    }

    private byte? RtxPayloadType()
    {
        var codecs = Producer.Codecs;
        for (var i = 0; i < codecs.Count; i++)
        {
            if (codecs[i].RtxPayloadType is { } rtx)
                return _payloadTypes is null ? (byte)rtx : _payloadTypes[rtx];
        }
        return null;
    }
}

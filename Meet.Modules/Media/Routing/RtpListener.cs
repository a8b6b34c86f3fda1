using System.Diagnostics;
using Meet.Modules.Media.Protocols.Rtcp;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Transport;

namespace Meet.Modules.Media.Routing;

// The publisher transport's media table (mediasoup's RtpListener): which producer and layer an SSRC
// carries, learnt from SDP or, for simulcast, from the mid/rid header extensions of the first packet.
// Packets go straight from here to the producer; nothing on the way goes back up to the session.
// Producers and SSRCs change under the router's lock; the packet path reads the copy-on-write table only.
internal sealed class RtpListener(Router router, MediaCounters counters) : IRtpPacketListener
{
    private const int MaxSsrcs = 64;

    private readonly Dictionary<string, Producer> _producers = new(StringComparer.Ordinal);
    private SsrcEntry[] _ssrcTable = [];
    private volatile bool _audioHeld;

    // Host mute (issue 13): while set, this publisher's audio is dropped (counted) instead of forwarded.
    // Read on the packet path without a lock, so it takes effect from the next packet.
    public bool AudioHeld
    {
        get => _audioHeld;
        set => _audioHeld = value;
    }

    // The publisher's negotiated header-extension ids (0 = not negotiated).
    public int MidExtensionId { get; set; }

    public int RidExtensionId { get; set; }

    public int RepairedRidExtensionId { get; set; }

    // Bandwidth feedback to this publisher transport: transport-cc or REMB (issue 11).
    public Bandwidth.PublisherFeedback Feedback { get; } = new(counters.Adaptive);

    public IEnumerable<Producer> Producers => _producers.Values;

    public bool PublishesVideo => _producers.Values.Any(p => p.Kind == MediaKind.Video && !p.IsClosed);

    public bool PublishesAudio => _producers.Values.Any(p => p.Kind == MediaKind.Audio && !p.IsClosed);

    public bool HasProducer(string mid) => _producers.ContainsKey(mid);

    public Producer? FindProducer(string mid) => _producers.GetValueOrDefault(mid);

    public void AddProducer(Producer producer) => _producers.Add(producer.Mid, producer);

    public void RemoveProducer(Producer producer)
    {
        _producers.Remove(producer.Mid);
        Volatile.Write(ref _ssrcTable, _ssrcTable.Where(e => e.Producer != producer).ToArray());
    }

    public void Clear()
    {
        _producers.Clear();
        Volatile.Write(ref _ssrcTable, []);
    }

    // An SSRC announced in SDP; layer -1 marks RTX or any other stream that is received but not forwarded.
    public void AddSsrc(SsrcEntry entry)
    {
        var table = _ssrcTable.Where(e => e.Ssrc != entry.Ssrc).Append(entry).ToArray();
        Volatile.Write(ref _ssrcTable, table);
        if (entry.Layer >= 0)
        {
            var layer = entry.Producer.Layers[entry.Layer];
            layer.Ssrc = entry.Ssrc;
            layer.HasSsrc = true;
        }
    }

    public void OnRtp(Span<byte> packet, in RtpHeader header, MediaSender sender, long receivedAt)
    {
        // The arrival the engine stamped, not now: the time this packet waited for the receive thread
        // is not network delay, and read as such by the publisher's estimator it holds the publisher's
        // simulcast layers back on a busy machine (issue 11).
        Feedback.OnRtp(packet, header, receivedAt != 0 ? receivedAt : Stopwatch.GetTimestamp());
        var table = Volatile.Read(ref _ssrcTable);
        for (var i = 0; i < table.Length; i++)
        {
            if (table[i].Ssrc != header.Ssrc)
                continue;
            if (_audioHeld && table[i].Producer.Kind == MediaKind.Audio)
            {
                counters.Drop(MediaDropReason.AudioHeldByHost);
                return;
            }
            if (table[i].Layer >= 0)
            {
                // A receive loop may hold this frame's fan-out for the rest of the frame (issue 14, FrameHold).
                if (table[i].Producer.Kind == MediaKind.Video)
                    MediaSender.NoteVideoPacket(header.Ssrc, header.Marker);
                table[i].Producer.OnRtp(packet, header, table[i].Layer, sender);
            }
            else if (table[i].RepairedLayer >= 0)
                table[i].Producer.OnRtx(packet, header, table[i].RepairedLayer, sender);
            return;
        }
        LearnSsrc(packet, header, sender);
    }

    // An SSRC not announced in SDP (simulcast): its mid and rid header extensions say which producer
    // and layer it is (RFC 8852 §3, RFC 8843 §15). Runs once per new SSRC, not per packet.
    private void LearnSsrc(Span<byte> packet, in RtpHeader header, MediaSender sender)
    {
        if (MidExtensionId == 0 || !header.TryGetExtension(packet, MidExtensionId, out var midValue)
            || !SdesValueExtension.TryRead(midValue, out var mid))
        {
            counters.Drop(MediaDropReason.UnknownSsrc);
            return;
        }
        Producer? learned;
        int learnedLayer;
        lock (router.Lock)
        {
            if (router.IsClosed || _ssrcTable.Length >= MaxSsrcs)
            {
                counters.Drop(MediaDropReason.UnknownSsrc);
                return;
            }
            Span<char> midChars = stackalloc char[Math.Min(mid.Length, 64)];
            var midLength = System.Text.Encoding.ASCII.GetChars(mid[..midChars.Length], midChars);
            _producers.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(midChars[..midLength], out var producer);
            if (producer is null)
            {
                counters.Drop(MediaDropReason.UnknownSsrc);
                return;
            }
            var layer = 0;
            var repairedLayer = -1;
            if (RepairedRidExtensionId != 0 && header.TryGetExtension(packet, RepairedRidExtensionId, out var repairedValue))
            {
                // RTX of a simulcast layer (RFC 8852 §3.2): answers to our NACKs rejoin that layer.
                layer = -1;
                if (SdesValueExtension.TryRead(repairedValue, out var repairedRid))
                    repairedLayer = producer.FindLayer(repairedRid);
            }
            else if (RidExtensionId != 0 && header.TryGetExtension(packet, RidExtensionId, out var ridValue)
                && SdesValueExtension.TryRead(ridValue, out var rid))
                layer = producer.FindLayer(rid);
            else if (producer.Layers.Length > 1)
                layer = -1;
            AddSsrc(new SsrcEntry(header.Ssrc, producer, layer, repairedLayer));
            learned = layer >= 0 ? producer : null;
            learnedLayer = layer;
        }
        if (_audioHeld && learned?.Kind == MediaKind.Audio)
            counters.Drop(MediaDropReason.AudioHeldByHost);
        else
            learned?.OnRtp(packet, header, learnedLayer, sender);
    }

    // RTCP from the publisher: its sender reports give the LSR/DLSR of our receiver reports.
    public void OnRtcp(ReadOnlySpan<byte> compound, MediaSender sender)
    {
        var reader = new RtcpCompoundReader(compound);
        while (reader.MoveNext())
        {
            if (reader.Current.PacketType == RtcpPacketType.SenderReport && RtcpSenderReport.TryParse(reader.CurrentPacket, out var report))
                OnSenderReport(report.Ssrc, report.CompactNtp);
        }
        if (reader.IsMalformed)
            counters.Drop(MediaDropReason.MalformedRtcp);
    }

    private void OnSenderReport(uint ssrc, uint compactNtp)
    {
        var table = Volatile.Read(ref _ssrcTable);
        foreach (var entry in table)
        {
            if (entry.Ssrc == ssrc && entry.Layer >= 0)
            {
                var layer = entry.Producer.Layers[entry.Layer];
                layer.LastSenderReport = compactNtp;
                layer.LastSenderReportTimestamp = Stopwatch.GetTimestamp();
            }
        }
    }

    // This tick's voice activity of the publisher's microphone(s), in [0, 1].
    public double TakeVoiceActivity(TimeSpan tick)
    {
        var activity = 0.0;
        foreach (var producer in _producers.Values)
        {
            if (producer.Kind == MediaKind.Audio)
                activity = Math.Max(activity, producer.TakeVoiceActivity(tick));
        }
        return activity;
    }

    // When the publisher's microphone last began a talk spurt (Stopwatch ticks, 0: never voiced).
    public long VoiceOnsetAt
    {
        get
        {
            var onset = 0L;
            foreach (var producer in _producers.Values)
            {
                if (producer.Kind == MediaKind.Audio)
                    onset = Math.Max(onset, producer.VoiceOnsetAt);
            }
            return onset;
        }
    }

    // Periodic, under the router's lock: pending keyframe requests and, about once a second, one RR
    // with a block per received SSRC (RFC 3550 §6.4.2) on the publisher transport.
    public void OnTick(bool reports, WebRtcTransport publisher, MediaSender sender)
    {
        foreach (var producer in _producers.Values)
            producer.OnTick(sender);
        SendFeedback(publisher, sender);
        if (reports)
            SendReceiverReport(publisher, sender);
    }

    private void SendFeedback(WebRtcTransport publisher, MediaSender sender)
    {
        Span<uint> ssrcs = stackalloc uint[32];
        var count = 0;
        foreach (var producer in _producers.Values)
        {
            foreach (var layer in producer.Layers)
            {
                if (layer.HasSsrc && count < ssrcs.Length)
                    ssrcs[count++] = layer.Ssrc;
            }
        }
        Feedback.OnTick(publisher, ssrcs[..count], sender);
    }

    private void SendReceiverReport(WebRtcTransport publisher, MediaSender sender)
    {
        Span<RtcpReportBlock> blocks = stackalloc RtcpReportBlock[31];
        var count = 0;
        var now = Stopwatch.GetTimestamp();
        foreach (var producer in _producers.Values)
        {
            foreach (var layer in producer.Layers)
            {
                if (!layer.HasSsrc || !layer.Started || count == blocks.Length)
                    continue;
                var expected = (long)layer.ExtendedHighestSequence - layer.BaseSequence + 1;
                var lost = (int)Math.Clamp(expected - layer.PacketsReceived, 0, 0x7F_FFFF);
                // DLSR in 1/65536 s (§6.4.1).
                var dlsr = layer.LastSenderReportTimestamp == 0 ? 0u
                    : (uint)((now - layer.LastSenderReportTimestamp) * 65536 / Stopwatch.Frequency);
                blocks[count++] = new RtcpReportBlock(layer.Ssrc, 0, lost, layer.ExtendedHighestSequence, 0,
                    layer.LastSenderReport, dlsr);
            }
        }
        if (count == 0)
            return;
        var report = new RtcpReceiverReport(Producer.RtcpSenderSsrc, blocks[..count]);
        Span<byte> buffer = stackalloc byte[report.GetSerializedSize()];
        if (report.TryWrite(buffer, out var written))
            publisher.SendRtcp(buffer[..written], sender);
    }
}

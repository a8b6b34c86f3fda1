using System.Diagnostics;
using Meet.Modules.Media.Protocols.Rtcp;
using Meet.Modules.Media.Routing;
using Meet.Modules.Media.Transport;

namespace Meet.Modules.Media.Internal;

internal sealed partial class MediaParticipant
{
    // RTCP after SRTCP: keyframe requests from subscribers go to the publisher of that consumer; sender
    // reports from publishers are remembered for the LSR/DLSR of our receiver reports.
    public void OnRtcp(WebRtcTransport transport, ReadOnlySpan<byte> compound, MediaSender sender)
    {
        var reader = new RtcpCompoundReader(compound);
        Span<ushort> lost = stackalloc ushort[RtcpNackItem.MaxSequenceNumbers];
        while (reader.MoveNext())
        {
            var packet = reader.CurrentPacket;
            switch (reader.Current.PacketType)
            {
                case RtcpPacketType.PayloadSpecificFeedback when transport == Subscriber && RtcpRemb.IsRemb(packet):
                    if (RtcpRemb.TryParse(packet, out var remb))
                        Subscriber.Downlink?.OnRemb(remb.Bitrate);
                    break;
                case RtcpPacketType.PayloadSpecificFeedback when transport == Subscriber:
                    if (reader.Current.Count == RtcpFeedbackFormat.PictureLossIndication && RtcpPli.TryParse(packet, out var pli))
                        FindConsumer(pli.MediaSsrc)?.RequestKeyFrame(sender);
                    else if (reader.Current.Count == RtcpFeedbackFormat.FullIntraRequest && RtcpFir.TryParse(packet, out var fir))
                    {
                        for (var i = 0; i < fir.EntryCount; i++)
                            FindConsumer(fir.GetEntry(i).Ssrc)?.RequestKeyFrame(sender);
                    }
                    break;
                case RtcpPacketType.TransportFeedback when transport == Subscriber
                    && reader.Current.Count == RtcpFeedbackFormat.TransportWideCc:
                    Subscriber.Downlink?.OnTransportFeedback(packet, Stopwatch.GetTimestamp());
                    break;
                case RtcpPacketType.TransportFeedback when transport == Subscriber:
                    if (reader.Current.Count == RtcpFeedbackFormat.GenericNack && RtcpNack.TryParse(packet, out var nack)
                        && FindConsumer(nack.MediaSsrc) is { } nacked)
                    {
                        for (var i = 0; i < nack.ItemCount; i++)
                        {
                            var count = nack.GetItem(i).CopyLostTo(lost);
                            for (var j = 0; j < count; j++)
                                nacked.Retransmit(lost[j], sender);
                        }
                    }
                    break;
                case RtcpPacketType.ReceiverReport when transport == Subscriber:
                    Subscriber.Downlink?.OnReceiverReport(packet, (uint)(NtpNow() >> 16));
                    break;
                case RtcpPacketType.SenderReport when transport == Publisher:
                    if (RtcpSenderReport.TryParse(packet, out var report))
                        OnSenderReport(report.Ssrc, report.CompactNtp);
                    break;
            }
        }
        if (reader.IsMalformed)
            _module.Counters.Drop(MediaDropReason.MalformedRtcp);
    }

    private Consumer? FindConsumer(uint ssrc)
    {
        // Slots only grow under the control lock; a snapshot read here may miss the newest one, which
        // only delays that consumer's keyframe request to the next PLI.
        var slots = _slots;
        for (var i = 0; i < slots.Count; i++)
        {
            var consumer = slots[i].Consumer;
            if (consumer is not null && consumer.Ssrc == ssrc)
                return consumer;
        }
        return null;
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

    public void OnTick(bool reports, MediaSender sender)
    {
        Producer[] producers;
        Consumer[] consumers;
        lock (_module.Control)
        {
            if (_closed)
                return;
            producers = [.. _producers.Values];
            consumers = reports ? [.. Consumers] : [];
        }
        foreach (var producer in producers)
            producer.OnTick(sender);
        SendPublisherFeedback(producers, sender);
        CheckNegotiation();
        if (!reports)
            return;
        Publisher.CheckConsent();
        Subscriber.CheckConsent();
        SendReceiverReport(producers, sender);
        foreach (var consumer in consumers)
            SendSenderReport(consumer, sender);
    }

    // RFC 3550 §6.4.2: one RR with a block per received SSRC.
    private void SendReceiverReport(Producer[] producers, MediaSender sender)
    {
        Span<RtcpReportBlock> blocks = stackalloc RtcpReportBlock[31];
        var count = 0;
        var now = Stopwatch.GetTimestamp();
        foreach (var producer in producers)
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
            Publisher.SendRtcp(buffer[..written], sender);
    }

    // RFC 3550 §6.4.1: the SR maps our (rewritten) RTP clock to wall-clock time for lip sync.
    private static void SendSenderReport(Consumer consumer, MediaSender sender)
    {
        if (consumer.PacketsSent == 0)
            return;
        var now = Stopwatch.GetTimestamp();
        var elapsed = (now - consumer.LastSendTimestamp) * consumer.ClockRate / Stopwatch.Frequency;
        var rtpTimestamp = consumer.LastTimestampOut + (uint)elapsed;
        var report = new RtcpSenderReport(consumer.Ssrc, NtpNow(), rtpTimestamp, (uint)consumer.PacketsSent,
            (uint)consumer.OctetsSent, []);
        Span<byte> buffer = stackalloc byte[report.GetSerializedSize()];
        if (report.TryWrite(buffer, out var written))
            consumer.Transport.SendRtcp(buffer[..written], sender);
    }

    private static ulong NtpNow()
    {
        // NTP epoch 1900-01-01; 32.32 fixed point.
        var since1900 = DateTime.UtcNow - new DateTime(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var seconds = (ulong)since1900.Ticks / TimeSpan.TicksPerSecond;
        var fraction = (ulong)(since1900.Ticks % TimeSpan.TicksPerSecond) * (1UL << 32) / TimeSpan.TicksPerSecond;
        return (seconds << 32) | fraction;
    }
}

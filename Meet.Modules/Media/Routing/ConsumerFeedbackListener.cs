using Meet.Modules.Media.Protocols.Rtcp;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Transport;

namespace Meet.Modules.Media.Routing;

// The subscriber transport's packet listener: RTCP feedback goes to the consumer it names by SSRC
// (PLI/FIR → keyframe request to its producer, NACK → retransmission from the cache). A subscriber
// sends no media of its own, so RTP here is a counted drop.
//
// Issue 11: the subscriber's transport-cc feedback and REMB feed its downlink estimate, and its receiver
// reports (on our sender reports) give its RTT.
internal sealed class ConsumerFeedbackListener(SubscriberAllocator allocator, MediaCounters counters, Bandwidth.SubscriberDownlink? downlink = null)
    : IRtpPacketListener
{
    public void OnRtp(Span<byte> packet, in RtpHeader header, MediaSender sender, long receivedAt) => counters.Drop(MediaDropReason.UnknownSsrc);

    public void OnRtcp(ReadOnlySpan<byte> compound, MediaSender sender)
    {
        var reader = new RtcpCompoundReader(compound);
        Span<ushort> lost = stackalloc ushort[RtcpNackItem.MaxSequenceNumbers];
        while (reader.MoveNext())
        {
            var packet = reader.CurrentPacket;
            switch (reader.Current.PacketType)
            {
                case RtcpPacketType.PayloadSpecificFeedback when RtcpRemb.IsRemb(packet):
                    if (RtcpRemb.TryParse(packet, out var remb))
                        downlink?.OnRemb(remb.Bitrate);
                    break;
                case RtcpPacketType.TransportFeedback when reader.Current.Count == RtcpFeedbackFormat.TransportWideCc:
                    downlink?.OnTransportFeedback(packet, System.Diagnostics.Stopwatch.GetTimestamp());
                    break;
                case RtcpPacketType.ReceiverReport:
                    downlink?.OnReceiverReport(packet, NtpClock.CompactNow());
                    break;
                case RtcpPacketType.PayloadSpecificFeedback:
                    if (reader.Current.Count == RtcpFeedbackFormat.PictureLossIndication && RtcpPli.TryParse(packet, out var pli))
                        allocator.FindConsumer(pli.MediaSsrc)?.RequestKeyFrame(sender);
                    else if (reader.Current.Count == RtcpFeedbackFormat.FullIntraRequest && RtcpFir.TryParse(packet, out var fir))
                    {
                        for (var i = 0; i < fir.EntryCount; i++)
                            allocator.FindConsumer(fir.GetEntry(i).Ssrc)?.RequestKeyFrame(sender);
                    }
                    break;
                case RtcpPacketType.TransportFeedback:
                    if (reader.Current.Count == RtcpFeedbackFormat.GenericNack && RtcpNack.TryParse(packet, out var nack)
                        && allocator.FindConsumer(nack.MediaSsrc) is { } nacked)
                    {
                        for (var i = 0; i < nack.ItemCount; i++)
                        {
                            var count = nack.GetItem(i).CopyLostTo(lost);
                            for (var j = 0; j < count; j++)
                                nacked.Retransmit(lost[j], sender);
                        }
                    }
                    break;
            }
        }
        if (reader.IsMalformed)
            counters.Drop(MediaDropReason.MalformedRtcp);
    }
}

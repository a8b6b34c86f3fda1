using System.Diagnostics;
using System.Globalization;
using Meet.Modules.Media.Protocols.Rtcp;
using Meet.Modules.Media.Transport;

namespace Meet.Modules.Media.Routing;

// One subscriber's share of the router: its receive slots (the m-sections of its subscriber
// PeerConnection), the consumers in them, and the decision of what each consumer forwards. The
// meeting's selection (active speaker, last-N, top-3 audio) is fed in once per change; this class
// applies the subscriber's own limits to it. It is the seam for bandwidth allocation (issue 11): the
// layer a consumer sends and whether it sends at all are decided here, per subscriber, never per packet.
// Mutated under the router's lock; the packet path reads only consumer state and the slot list's snapshot.
internal sealed partial class SubscriberAllocator(string subscriberId)
{
    private readonly List<SubscriberSlot> _slots = [];
    private SubscriberSlot[] _slotSnapshot = [];
    private int _nextMid;

    public string SubscriberId { get; } = subscriberId;

    public IReadOnlyList<SubscriberSlot> Slots => _slots;

    // The client's own last-N (a small window, a phone): at most this many videos.
    public int MaxVideos { get; set; } = int.MaxValue;

    public int ConsumerCount => _slots.Count(s => s.Consumer is not null);

    public IEnumerable<Consumer> Consumers => _slots.Where(s => s.Consumer is not null).Select(s => s.Consumer!);

    // A consumer of `producer` in a free slot of its kind (one the client has answered inactive) or in
    // a new one. Starts paused when outside the selection; a new consumer starts on a keyframe.
    public Consumer AddConsumer(Producer producer, WebRtcTransport transport, string consumerId, ConferenceSelection selection, MediaSender sender)
    {
        var slot = _slots.FirstOrDefault(s => s.Reusable && s.Kind == producer.Kind && s.HasSameCodecs(producer.Codecs));
        if (slot is null)
        {
            slot = new SubscriberSlot((_nextMid++).ToString(CultureInfo.InvariantCulture), producer.Kind, producer.Codecs);
            _slots.Add(slot);
            Volatile.Write(ref _slotSnapshot, [.. _slots]);
        }
        var consumer = new Consumer(consumerId, producer, SubscriberId, transport, slot.Mid);
        consumer.SetPaused(!Forwards(selection, consumer), sender);
        slot.Consumer = consumer;
        slot.Reusable = false;
        producer.AddConsumer(consumer);
        producer.RequestKeyFrame(producer.BestLayer, sender);
        return consumer;
    }

    // The consumer's slot stays (Unified Plan never removes m-sections) and goes inactive.
    public bool RemoveConsumer(Consumer consumer)
    {
        var slot = _slots.FirstOrDefault(s => s.Consumer == consumer);
        if (slot is null)
            return false;
        consumer.IsClosed = true;
        slot.Consumer = null;
        return true;
    }

    // The subscriber left: every consumer detaches from its producer.
    public void Close()
    {
        foreach (var slot in _slots)
        {
            if (slot.Consumer is { } consumer)
            {
                consumer.IsClosed = true;
                consumer.Producer.RemoveConsumer(consumer);
                slot.Consumer = null;
            }
        }
    }

    // The meeting's selection applied to this subscriber: consumers outside it send nothing. Returns
    // how many changed state.
    public int Apply(ConferenceSelection selection, MediaSender sender)
    {
        var changed = 0;
        foreach (var slot in _slots)
        {
            if (slot.Consumer is { } consumer && consumer.SetPaused(!Forwards(selection, consumer), sender))
                changed++;
        }
        return changed;
    }

    private bool Forwards(ConferenceSelection selection, Consumer consumer) =>
        consumer.Producer.Kind == MediaKind.Video
            ? selection.ForwardsVideo(SubscriberId, consumer.Producer.ParticipantId, MaxVideos)
            : selection.ForwardsAudio(consumer.Producer.ParticipantId);

    // The packet path (RTCP feedback): slots only grow, so a snapshot read may miss the newest one,
    // which only delays that consumer's keyframe request to the next PLI.
    public Consumer? FindConsumer(uint ssrc)
    {
        var slots = Volatile.Read(ref _slotSnapshot);
        for (var i = 0; i < slots.Length; i++)
        {
            var consumer = slots[i].Consumer;
            if (consumer is not null && consumer.Ssrc == ssrc)
                return consumer;
        }
        return null;
    }

    // The subscriber transport connected: consumers created before need a keyframe now.
    public void RequestKeyFrames(MediaSender sender)
    {
        foreach (var consumer in Consumers)
            consumer.RequestKeyFrame(sender);
    }

    // RFC 3550 §6.4.1: the SR maps our (rewritten) RTP clock to wall-clock time for lip sync.
    public void SendSenderReports(MediaSender sender)
    {
        Span<byte> buffer = stackalloc byte[64];
        foreach (var consumer in Consumers)
        {
            if (consumer.PacketsSent == 0)
                continue;
            var now = Stopwatch.GetTimestamp();
            var elapsed = (now - consumer.LastSendTimestamp) * consumer.ClockRate / Stopwatch.Frequency;
            var rtpTimestamp = consumer.LastTimestampOut + (uint)elapsed;
            var report = new RtcpSenderReport(consumer.Ssrc, NtpClock.Now(), rtpTimestamp, (uint)consumer.PacketsSent,
                (uint)consumer.OctetsSent, []);
            if (report.TryWrite(buffer, out var written))
                consumer.Transport.SendRtcp(buffer[..written], sender);
        }
    }
}

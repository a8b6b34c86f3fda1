using Meet.Modules.Media.Routing;
using System.Diagnostics.Metrics;
using Meet.Modules.Media.Protocols.Dtls;
using Meet.Modules.Media.Transport;
using Meet.PacketEngine;

namespace Meet.Modules.Media.Internal;

// The SFU's and the packet engine's counters on the OpenTelemetry meter behind /metrics (issue 14), so
// Prometheus and the load generator read the same figures the tests do. Every instrument is observable:
// read at scrape time from the counters the packet path already keeps, so the path pays nothing more.
internal sealed class MediaMetrics
{
    public const string MeterName = "Meet.Media";

    private static readonly MediaDropReason[] MediaDropReasons = Enum.GetValues<MediaDropReason>();
    private static readonly DropReason[] EngineDropReasons = Enum.GetValues<DropReason>();

    public MediaMetrics(IMeterFactory meterFactory, MediaModule media)
    {
        var meter = meterFactory.Create(MeterName);
        var counters = media.Counters;
        meter.CreateObservableCounter("meet.media.rtp.received", () => counters.RtpReceived, "{packet}", "RTP packets received from publishers and unprotected");
        meter.CreateObservableCounter("meet.media.rtp.forwarded", () => counters.RtpForwarded, "{packet}", "RTP packets forwarded to subscribers");
        meter.CreateObservableCounter("meet.media.rtp.retransmitted", () => counters.RtpRetransmitted, "{packet}", "RTX packets sent in answer to NACKs");
        meter.CreateObservableCounter("meet.media.ice.restarts", () => counters.IceRestarts, "{restart}", "ICE restarts begun (network handover, failover)");
        meter.CreateObservableCounter("meet.media.ticks.skipped", () => media.TicksSkipped, "{tick}", "periodic SFU ticks skipped because the previous one still ran (an overloaded server)");
        meter.CreateObservableCounter("meet.media.ice.path_switches", () => counters.PathSwitches, "{switch}", "connected transports moved to a new remote address after it answered STUN");
        meter.CreateObservableCounter("meet.media.rtcp.received", () => counters.RtcpReceived, "{packet}", "RTCP compounds received");
        meter.CreateObservableCounter("meet.media.nacks.received", () => counters.NacksReceived, "{packet}", "Sequence numbers subscribers NACKed");
        meter.CreateObservableCounter("meet.media.keyframe_requests.received", () => counters.KeyFrameRequestsReceived, "{request}", "PLI/FIR from subscribers");
        meter.CreateObservableCounter("meet.media.keyframe_requests.sent", () => counters.KeyFrameRequestsSent, "{request}", "PLI sent to publishers after coalescing");
        meter.CreateObservableCounter("meet.media.dropped", () => MediaDrops(counters), "{packet}", "Packets the SFU dropped, by reason");
        meter.CreateObservableCounter("meet.media.forwarding_latency", () => LatencyBuckets(counters.ForwardingLatency), "{packet}",
            "Forwarded packets by the time they spent in the server (engine arrival to send call returned), cumulative by upper bound le in seconds; buckets with none left out");

        meter.CreateObservableCounter("meet.packet_engine.packets", () => EngineTraffic(media.Channel, bytes: false), "{packet}", "Datagrams through the media port, by direction");
        meter.CreateObservableCounter("meet.packet_engine.bytes", () => EngineTraffic(media.Channel, bytes: true), "By", "Bytes through the media port, by direction");
        meter.CreateObservableCounter("meet.packet_engine.send_messages", () => media.Channel?.Counters.SendMessages ?? 0, "{message}",
            "Datagram messages handed to the kernel; a UDP GSO message carrying several datagrams counts once (packets out / messages = mean GSO segments)");
        meter.CreateObservableCounter("meet.packet_engine.batches", () => EngineBatches(media.Channel), "{batch}", "Receive and send calls with at least one datagram (packets / batches = mean batch size), by direction");
        meter.CreateObservableCounter("meet.packet_engine.dropped", () => EngineDrops(media.Channel), "{packet}", "Datagrams the packet engine dropped, by reason");

        meter.CreateObservableUpDownCounter("meet.media.participants", () => media.GetResourceCounts().Participants, "{participant}", "Media participants");
        meter.CreateObservableUpDownCounter("meet.media.transports", () => media.GetResourceCounts().Transports, "{transport}", "Active WebRTC transports");
        meter.CreateObservableUpDownCounter("meet.media.producers", () => media.GetResourceCounts().Producers, "{track}", "Published tracks");
        meter.CreateObservableUpDownCounter("meet.media.consumers", () => media.GetResourceCounts().Consumers, "{track}", "Forwarded subscriber tracks");

        var negotiation = media.NegotiationCounters;
        meter.CreateObservableCounter("meet.media.subscriber_offers", () => negotiation.Offers, "{offer}", "Subscriber offers sent (issue 9 negotiation)");
        meter.CreateObservableCounter("meet.media.subscriber_answers", () => SubscriberAnswers(negotiation), "{answer}", "Subscriber answers, by outcome (accepted, refused, stale) and offers that timed out");
        var conference = media.ConferenceCounters;
        meter.CreateObservableCounter("meet.media.active_speaker.changes", () => conference.SpeakerChanges, "{change}", "Dominant speaker changes across meetings");
        meter.CreateObservableCounter("meet.media.consumers.paused_or_resumed", () => conference.ConsumersPausedOrResumed, "{change}", "Consumers paused or resumed by last-N and top-3 audio");
        meter.CreateObservableUpDownCounter("meet.media.consumers.paused", () => media.PausedConsumers(), "{track}", "Subscriber tracks outside the selection (zero bytes)");
        meter.CreateObservableUpDownCounter("meet.media.consumers.forwarded", () => media.GetResourceCounts().Consumers - media.PausedConsumers(), "{track}", "Subscriber tracks the selection forwards (with bounded slots: slots showing someone)");
        meter.CreateObservableCounter("meet.media.slot_remaps", () => conference.SlotRemaps, "{remap}", "Bounded subscriber slots that changed publisher (Media:BoundedSlots)");

        // Audio mixing (issue 17): work per frame stays at most 3 decodes + 4 encodes per meeting.
        var mixer = media.MixerCounters;
        meter.CreateObservableCounter("meet.media.mixer.frames", () => mixer.FramesMixed, "{frame}", "20 ms frames mixed across mixing meetings");
        meter.CreateObservableCounter("meet.media.mixer.frames_skipped", () => mixer.FramesSkipped, "{frame}", "Frames a mixing meeting skipped because its mixer fell behind");
        meter.CreateObservableCounter("meet.media.mixer.speakers_dropped", () => mixer.SpeakersDropped, "{speaker}", "Speakers a late mixer stopped mixing until it kept up");
        meter.CreateObservableCounter("meet.media.mixer.decodes", () => mixer.Decodes, "{frame}", "Opus frames decoded for mixing");
        meter.CreateObservableCounter("meet.media.mixer.encodes", () => mixer.Encodes, "{frame}", "Mixed Opus frames encoded");
        meter.CreateObservableUpDownCounter("meet.media.mixer.max_encodes_per_frame", () => mixer.MaxEncodesPerFrame, "{frame}", "Most encodes one meeting made for one frame (at most 4)");
        meter.CreateObservableCounter("meet.media.mixer.cpu", () => mixer.CpuNanoseconds / 1e9, "s", "Thread CPU time of the mixed frames (decode, mix, encode, send)");
        meter.CreateObservableCounter("meet.media.mixer.packets_sent", () => mixer.PacketsSent, "{packet}", "Mixed audio packets sent to listeners");
        meter.CreateObservableUpDownCounter("meet.media.mixer.latency_p99", () => mixer.LatencyPercentile(0.99), "ms", "Mixer latency, packet arrival to the mixed frame sent, 99th percentile");

        // Issue 11: adaptive media.
        var adaptive = counters.Adaptive;
        meter.CreateObservableCounter("meet.media.feedback.sent", () => PublisherFeedback(adaptive), "{packet}", "Bandwidth feedback sent to publishers, by kind (transport-cc, remb)");
        meter.CreateObservableCounter("meet.media.upstream_nacks.sent", () => adaptive.UpstreamNacksSent, "{packet}", "NACKs sent to publishers for loss on their uplink");
        meter.CreateObservableCounter("meet.media.rtx.recovered", () => adaptive.RtxRecovered, "{packet}", "Publisher RTX packets restored into their original stream");
        meter.CreateObservableCounter("meet.media.nacks.refused_for_rtt", () => adaptive.NacksRefusedForRtt, "{packet}", "Subscriber NACKs not answered because its RTT exceeds Media:NackRttLimit (a keyframe is requested instead)");
        meter.CreateObservableCounter("meet.media.nacks.refused_over_estimate", () => adaptive.RetransmissionsOverEstimate, "{packet}", "Subscriber NACKs not answered because resending would exceed 30 % of its downlink estimate");
        meter.CreateObservableCounter("meet.media.remb.ignored", () => adaptive.RembIgnored, "{packet}", "Subscriber REMBs not used because its transport-cc feedback drives the estimate");
        meter.CreateObservableCounter("meet.media.layer_switches", () => adaptive.LayerSwitches, "{switch}", "Simulcast layer switches of consumers");
        meter.CreateObservableCounter("meet.media.temporal_layer.switches", () => counters.TemporalLayerSwitches, "{switch}", "VP8 temporal-layer changes of consumers (down at a picture start, up at a layer-sync picture)");
        meter.CreateObservableCounter("meet.media.temporal_layer.dropped", () => counters.TemporalLayerDrops, "{packet}", "VP8 packets not forwarded because their temporal layer is above the consumer's target (sequence numbers closed up)");
        meter.CreateObservableCounter("meet.media.subscriber_feedback.received", () => adaptive.SubscriberFeedbackReceived, "{packet}", "Transport-cc feedback packets from subscribers");
        meter.CreateObservableCounter("meet.media.subscriber_feedback.unknown", () => adaptive.SubscriberFeedbackUnknown, "{packet}", "Feedback entries naming sequence numbers the SFU never sent (counted, skipped)");

        meter.CreateObservableCounter("meet.media.tile_sizes", () => TileSizes(adaptive), "{tile}", "Tile-size entries from clients, by outcome (applied; unknown: a mid that is not one of the subscriber's video slots, counted and skipped)");
        meter.CreateObservableCounter("meet.media.dynacast", () => Dynacast(adaptive), "{layer}", "Simulcast layers paused at their publisher because no subscriber wanted them, and resumed");
        meter.CreateObservableCounter("meet.media.pli.received", () => counters.KeyFrameRequestsReceived, "{request}", "PLI/FIR from subscribers: each is a receiver that lost the picture (a freeze it reported)");
        meter.CreateObservableGauge("meet.media.subscriber_estimate", () => Estimates(media), "bit/s", "Subscribers' downlink estimates (transport-cc / REMB), by statistic (min, median, max)");
        var quality = media.QualityLog;
        meter.CreateObservableCounter("meet.media.quality_logs", () => QualityLogs(quality), "{row}", "participant_quality_logs rows, by outcome (queued, written, dropped: queue full, failed: storage refused)");

        meter.CreateObservableCounter("meet.dtls.handshakes", () => DtlsHandshakes(), "{handshake}", "DTLS handshakes finished, by result");
        meter.CreateObservableUpDownCounter("meet.dtls.handshakes_in_progress", () => DtlsHandshakeStatistics.InProgress, "{handshake}", "DTLS handshakes running or queued");
        meter.CreateObservableUpDownCounter("meet.dtls.handshake_threads", () => DtlsHandshakeStatistics.Workers, "{thread}", "Threads of the bounded DTLS handshake pool");
    }

    private static IEnumerable<Measurement<long>> PublisherFeedback(Bandwidth.AdaptiveMediaCounters counters)
    {
        yield return new Measurement<long>(counters.TransportFeedbackSent, new KeyValuePair<string, object?>("kind", "transport-cc"));
        yield return new Measurement<long>(counters.RembSent, new KeyValuePair<string, object?>("kind", "remb"));
    }

    private static IEnumerable<Measurement<long>> TileSizes(Bandwidth.AdaptiveMediaCounters counters)
    {
        yield return new Measurement<long>(counters.TileSizesApplied, new KeyValuePair<string, object?>("outcome", "applied"));
        yield return new Measurement<long>(counters.TileSizesUnknown, new KeyValuePair<string, object?>("outcome", "unknown"));
    }

    private static IEnumerable<Measurement<long>> Dynacast(Bandwidth.AdaptiveMediaCounters counters)
    {
        yield return new Measurement<long>(counters.DynacastPauses, new KeyValuePair<string, object?>("change", "paused"));
        yield return new Measurement<long>(counters.DynacastResumes, new KeyValuePair<string, object?>("change", "resumed"));
    }

    private static IEnumerable<Measurement<double>> Estimates(MediaModule media)
    {
        var estimates = media.SubscriberEstimates();
        if (estimates.Count == 0)
            yield break;
        estimates.Sort();
        yield return new Measurement<double>(estimates[0], new KeyValuePair<string, object?>("statistic", "min"));
        yield return new Measurement<double>(estimates[estimates.Count / 2], new KeyValuePair<string, object?>("statistic", "median"));
        yield return new Measurement<double>(estimates[^1], new KeyValuePair<string, object?>("statistic", "max"));
    }

    private static IEnumerable<Measurement<long>> QualityLogs(QualityLogQueue queue)
    {
        yield return new Measurement<long>(queue.Enqueued, new KeyValuePair<string, object?>("outcome", "queued"));
        yield return new Measurement<long>(queue.Written, new KeyValuePair<string, object?>("outcome", "written"));
        yield return new Measurement<long>(queue.Dropped, new KeyValuePair<string, object?>("outcome", "dropped"));
        yield return new Measurement<long>(queue.Failed, new KeyValuePair<string, object?>("outcome", "failed"));
    }

    private static IEnumerable<Measurement<long>> SubscriberAnswers(NegotiationCounters counters)
    {
        yield return new Measurement<long>(counters.AnswersAccepted, new KeyValuePair<string, object?>("outcome", "accepted"));
        yield return new Measurement<long>(counters.AnswersRefused, new KeyValuePair<string, object?>("outcome", "refused"));
        yield return new Measurement<long>(counters.StaleAnswers, new KeyValuePair<string, object?>("outcome", "stale"));
        yield return new Measurement<long>(counters.Timeouts, new KeyValuePair<string, object?>("outcome", "timeout"));
    }

    // Prometheus-style cumulative buckets: every non-empty bucket's upper bound with the count at or below it,
    // and +Inf with the total, so histogram_quantile() and the load generator read percentiles from them.
    private static IEnumerable<Measurement<long>> LatencyBuckets(TickHistogram histogram)
    {
        long cumulative = 0;
        for (var bucket = 0; bucket < TickHistogram.BucketCount - 1; bucket++)
        {
            var count = histogram.Count(bucket);
            if (count == 0)
                continue;
            cumulative += count;
            yield return new Measurement<long>(cumulative, LatencyBucketTags[bucket]);
        }
        cumulative += histogram.Count(TickHistogram.BucketCount - 1);
        yield return new Measurement<long>(cumulative, LatencyBucketTags[^1]);
    }

    private static readonly KeyValuePair<string, object?>[] LatencyBucketTags = Enumerable.Range(0, TickHistogram.BucketCount)
        .Select(bucket => new KeyValuePair<string, object?>("le", bucket == TickHistogram.BucketCount - 1 ? "+Inf"
            : TickHistogram.UpperBoundSeconds(bucket).ToString("G6", System.Globalization.CultureInfo.InvariantCulture)))
        .ToArray();

    private static IEnumerable<Measurement<long>> MediaDrops(MediaCounters counters)
    {
        foreach (var reason in MediaDropReasons)
            yield return new Measurement<long>(counters.Dropped(reason), new KeyValuePair<string, object?>("reason", reason.ToString()));
    }

    private static IEnumerable<Measurement<long>> EngineTraffic(IPacketChannel? channel, bool bytes)
    {
        if (channel is null)
            yield break;
        var c = channel.Counters;
        yield return new Measurement<long>(bytes ? c.BytesIn : c.PacketsIn, new KeyValuePair<string, object?>("direction", "in"));
        yield return new Measurement<long>(bytes ? c.BytesOut : c.PacketsOut, new KeyValuePair<string, object?>("direction", "out"));
    }

    private static IEnumerable<Measurement<long>> EngineBatches(IPacketChannel? channel)
    {
        if (channel is null)
            yield break;
        yield return new Measurement<long>(channel.Counters.BatchesIn, new KeyValuePair<string, object?>("direction", "in"));
        yield return new Measurement<long>(channel.Counters.BatchesOut, new KeyValuePair<string, object?>("direction", "out"));
    }

    private static IEnumerable<Measurement<long>> EngineDrops(IPacketChannel? channel)
    {
        if (channel is null)
            yield break;
        foreach (var reason in EngineDropReasons)
            yield return new Measurement<long>(channel.Counters.Dropped(reason), new KeyValuePair<string, object?>("reason", reason.ToString()));
    }

    private static IEnumerable<Measurement<long>> DtlsHandshakes()
    {
        yield return new Measurement<long>(DtlsHandshakeStatistics.Succeeded, new KeyValuePair<string, object?>("result", "succeeded"));
        yield return new Measurement<long>(DtlsHandshakeStatistics.Failed, new KeyValuePair<string, object?>("result", "failed"));
    }
}

using Meet.Modules.Media.Bandwidth;
using Meet.Modules.Media.Protocols.Rtcp;

namespace Meet.Tests.Media.Bandwidth;

[TestFixture]
public sealed class SubscriberDownlinkTests
{
    // Compact NTP: 1/65536 s units.
    private static uint Units(double ms) => (uint)(ms * 65.536);

    private static RtcpReportBlock Block(uint lsr, uint dlsr, byte fractionLost = 0) => new(5, fractionLost, 0, 100, 0, lsr, dlsr);

    [Test]
    public void Rtt_is_arrival_minus_lsr_minus_dlsr()
    {
        var downlink = new SubscriberDownlink(TimeSpan.FromMilliseconds(150));
        downlink.RoundTripTime.Should().BeNull();
        downlink.AnswersNacks.Should().BeTrue("an unknown RTT keeps the behaviour from before the first report");
        var lsr = 0x1234_0000u;
        downlink.OnReportBlock(Block(lsr, Units(500), 64), lsr + Units(540));
        downlink.RoundTripTime!.Value.TotalMilliseconds.Should().BeApproximately(40, 0.1);
        downlink.FractionLost.Should().Be(0.25);
        downlink.AnswersNacks.Should().BeTrue();
    }

    [Test]
    public void Nacks_are_not_answered_when_rtt_exceeds_the_limit()
    {
        var downlink = new SubscriberDownlink(TimeSpan.FromMilliseconds(150));
        var lsr = 0x1_0000u;
        for (var i = 0; i < 20; i++)
            downlink.OnReportBlock(Block(lsr, Units(100)), lsr + Units(100 + 210));
        downlink.RoundTripTime!.Value.TotalMilliseconds.Should().BeApproximately(210, 0.5);
        downlink.AnswersNacks.Should().BeFalse();
        for (var i = 0; i < 20; i++)
            downlink.OnReportBlock(Block(lsr, Units(100)), lsr + Units(100 + 20));
        downlink.AnswersNacks.Should().BeTrue("the smoothed RTT follows the path back down");
    }

    [Test]
    public void Blocks_without_an_sr_or_with_a_negative_rtt_are_ignored()
    {
        var downlink = new SubscriberDownlink(TimeSpan.FromMilliseconds(150));
        downlink.OnReportBlock(Block(0, 0), 12345);
        downlink.OnReportBlock(Block(0x10_0000, Units(1000)), 0x10_0000 + Units(10));
        downlink.RoundTripTime.Should().BeNull();
        downlink.ReportsWithRtt.Should().Be(0);
    }

    [Test]
    public void Feedback_for_sequence_numbers_never_sent_is_counted_and_changes_nothing()
    {
        var counters = new AdaptiveMediaCounters();
        var downlink = new SubscriberDownlink(TimeSpan.FromMilliseconds(150), counters);
        byte[] packet = [0x90, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xBE, 0xDE, 0, 1, 0x31, 0, 0, 0];
        for (var i = 0; i < 10; i++)
            downlink.OnSend(packet, 3, i * 1000);
        var builder = new RtcpTransportFeedbackBuilder();
        builder.Reset(1, 2, 0);
        for (var i = 0; i < 5; i++)
            builder.TryAddReceived((ushort)(30_000 + i), i * 1000);
        var feedback = new byte[128];
        builder.TryWrite(feedback, out var written).Should().BeTrue();
        var before = downlink.Estimate;

        downlink.OnTransportFeedback(feedback.AsSpan(0, written), 20_000);

        counters.SubscriberFeedbackUnknown.Should().Be(5);
        downlink.Estimate.Should().Be(before);
        downlink.OnTransportFeedback(new byte[] { 0x8F, 205, 0, 1, 1, 2 }, 20_000);
        counters.SubscriberFeedbackReceived.Should().Be(1, "a malformed feedback is not counted as received");
    }

    // 40 packets 10 ms apart; the first report calls 10..19 lost (a gap in what it lists); `lateReport`
    // then lists 10..19 as arrived, as Chrome does when a packet arrives after it reported past it.
    // A report on later packets, 600 ms on, gives the first ones their final verdict.
    private static SubscriberDownlink FeedbackWithAGap(bool lateReport, bool duplicateReport, AdaptiveMediaCounters? counters = null)
    {
        var downlink = new SubscriberDownlink(TimeSpan.FromMilliseconds(150), counters);
        byte[] packet = [0x90, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xBE, 0xDE, 0, 1, 0x31, 0, 0, 0];
        var ticksPerMs = System.Diagnostics.Stopwatch.Frequency / 1000;
        for (var i = 0; i < 40; i++)
            downlink.OnSend(packet, 3, i * 10 * ticksPerMs);
        var feedback = new byte[512];
        var builder = new RtcpTransportFeedbackBuilder();
        void Report(int from, int to, long atMs, int skipFrom = -1, int skipTo = -1)
        {
            builder.Reset(1, 2, 0);
            for (var i = from; i < to; i++)
                if (i < skipFrom || i >= skipTo)
                    builder.TryAddReceived((ushort)i, (i * 10 + 20) * 1000L);
            builder.TryWrite(feedback, out var written).Should().BeTrue();
            downlink.OnTransportFeedback(feedback.AsSpan(0, written), atMs * ticksPerMs);
        }
        Report(0, 40, 420, skipFrom: 10, skipTo: 20);
        if (lateReport)
            Report(10, 20, 430);
        if (duplicateReport)
            Report(0, 40, 440, skipFrom: 10, skipTo: 20);
        for (var i = 40; i < 80; i++)
            downlink.OnSend(packet, 3, (1000 + i) * ticksPerMs);
        Report(40, 80, 1100);
        return downlink;
    }

    [Test]
    public void A_packet_reported_lost_and_then_arrived_is_not_counted_lost()
    {
        var downlink = FeedbackWithAGap(lateReport: true, duplicateReport: false);
        downlink.LateArrivals.Should().Be(10);
        downlink.LossFractionFromFeedback.Should().Be(0, "every packet arrived in the end");
    }

    [Test]
    public void A_packet_still_reported_lost_after_the_verdict_delay_counts_once_however_often_reported()
    {
        var once = FeedbackWithAGap(lateReport: false, duplicateReport: false);
        // The first report's 30 arrivals made a loss window of their own (0 %); the last holds its 40
        // arrivals and the 10 final losses.
        once.LossFractionFromFeedback.Should().BeApproximately(10.0 / 50, 0.001);
        var twice = FeedbackWithAGap(lateReport: false, duplicateReport: true);
        twice.LossFractionFromFeedback.Should().BeApproximately(10.0 / 50, 0.001, "a second report of the same packets changes nothing");
        twice.LateArrivals.Should().Be(0);
    }

    [Test]
    public void A_remb_is_the_estimate_only_until_transport_cc_feedback_arrives()
    {
        var counters = new AdaptiveMediaCounters();
        var rembOnly = new SubscriberDownlink(TimeSpan.FromMilliseconds(150), counters);
        rembOnly.OnRemb(600_000);
        rembOnly.Estimate.Should().Be(600_000, "without transport-cc the receiver's estimate is all there is");

        var withFeedback = FeedbackWithAGap(lateReport: true, duplicateReport: false, counters);
        var estimate = withFeedback.Estimate;
        // Chrome's REMB about a stream without the transport-wide element: a few kbps.
        withFeedback.OnRemb(12_416);
        withFeedback.Estimate.Should().Be(estimate);
        counters.RembIgnored.Should().Be(1);
    }

    [Test]
    public void Retransmissions_may_use_a_share_of_the_estimate_and_no_more()
    {
        var ticks = System.Diagnostics.Stopwatch.Frequency;
        var noFeedback = new SubscriberDownlink(TimeSpan.FromMilliseconds(150));
        Enumerable.Range(0, 1000).Should().OnlyContain(_ => noFeedback.TryTakeRetransmission(1200, ticks), "no estimate, no bound");

        var downlink = FeedbackWithAGap(lateReport: true, duplicateReport: false);
        var perSecond = downlink.Estimate * 0.3 / 8;
        var sent = 0L;
        // One NACKed packet every millisecond for two seconds: far more than the path carries.
        for (var ms = 0; ms < 2000; ms++)
        {
            if (downlink.TryTakeRetransmission(1200, 10 * ticks + ms * ticks / 1000))
                sent += 1200;
        }
        sent.Should().BeInRange((long)(1.5 * perSecond), (long)(2.5 * perSecond), "30 % of the estimate, plus a quarter second's burst");
    }

    // Stands in for a consumer's RTX stream: padding packets go back through OnSend, as the transport sends them.
    private sealed class PaddingRecorder(SubscriberDownlink downlink) : IProbePaddingSender
    {
        public int Packets { get; private set; }

        public long Now { get; set; }

        public int SendPadding(int bytes, Meet.Modules.Media.Transport.MediaSender sender)
        {
            var packet = new byte[ProbePadding.MaxPacketSize];
            var sent = 0;
            while (sent < bytes)
            {
                ProbePadding.TryWrite(packet, 97, (ushort)Packets, 0, 7, bytes - sent, out var length);
                downlink.OnSend(packet.AsSpan(0, length), TransportSequenceStamper.SubscriberExtensionId, Now);
                sent += length;
                Packets++;
            }
            return sent;
        }
    }

    [Test]
    public void A_probe_cluster_pads_up_to_its_target_and_its_result_lifts_the_estimate() => ProbeOnACleanPath(pacerLateMs: 0);

    // A loaded machine runs the pacer's first step late: the cluster starts with it, so the media sent
    // meanwhile neither ends it before any padding nor stretches its span (it measured the media's rate
    // alone, "limited", and the estimate never found the headroom a lifted cap left).
    [Test]
    public void A_probe_whose_pacer_starts_100_ms_late_still_pads_up_to_its_target() => ProbeOnACleanPath(pacerLateMs: 100);

    private static void ProbeOnACleanPath(double pacerLateMs)
    {
        var counters = new AdaptiveMediaCounters();
        var downlink = new SubscriberDownlink(TimeSpan.FromMilliseconds(150), counters, maxProbeBitrate: 3_000_000);
        var padding = new PaddingRecorder(downlink);
        downlink.PaddingSender = padding;
        var started = 0;
        var pacerFrom = double.NaN;
        var nowMs = 0.0;
        downlink.ProbeStarted = _ =>
        {
            started++;
            pacerFrom = nowMs + pacerLateMs;
        };
        downlink.SetWanted(2_000_000);
        var media = new byte[1200];
        byte[] header = [0x90, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xBE, 0xDE, 0, 1, 0x31, 0, 0, 0];
        header.CopyTo(media, 0);
        var ticksPerMs = System.Diagnostics.Stopwatch.Frequency / 1000.0;
        var feedback = new byte[1024];
        var builder = new RtcpTransportFeedbackBuilder();
        var feedbackCount = 0;

        // 300 kbps of media (a 1,200-byte packet every 32 ms) on a clean 20 ms path; feedback every 100 ms.
        // Every packet sent (media or padding) arrives 20 ms later; the pacer runs every 5 ms (from
        // pacerLateMs after the probe started).
        var sends = new List<(long Sequence, double SentMs)>();
        for (var ms = 0.0; ms < 8000 && downlink.Probe.Succeeded == 0; ms += 5)
        {
            nowMs = ms;
            var now = (long)(ms * ticksPerMs);
            padding.Now = now;
            var before = downlink.SequencesSent;
            if ((int)ms % 32 < 5)
                downlink.OnSend(media, 3, now);
            if (!(ms < pacerFrom))
                downlink.SendProbePadding(null!, now);
            for (var s = before; s < downlink.SequencesSent; s++)
                sends.Add((s, ms));
            if ((int)ms % 100 == 0 && sends.Count > 0)
            {
                builder.Reset(1, 2, (byte)feedbackCount++);
                var reported = sends.Where(x => x.SentMs + 20 <= ms).ToList();
                foreach (var (seq, sentMs) in reported)
                    builder.TryAddReceived((ushort)seq, (long)((sentMs + 20) * 1000));
                sends.RemoveAll(x => x.SentMs + 20 <= ms);
                if (reported.Count > 0 && builder.TryWrite(feedback, out var written))
                    downlink.OnTransportFeedback(feedback.AsSpan(0, written), now);
            }
        }

        started.Should().BeGreaterThan(0, "the subscriber wants 2 Mbps and gets 0.3: the path is probed");
        counters.ProbeClusters.Should().Be(started);
        padding.Packets.Should().BeGreaterThan(ProbeBitrateEstimator.MinPackets);
        counters.ProbePaddingBytes.Should().BeGreaterThan(0);
        downlink.Probe.Succeeded.Should().Be(1);
        downlink.LastProbeResult.Should().BeInRange(800_000, 3_000_000);
        downlink.Estimate.Should().BeGreaterThan(800_000, "the probe's result lifts the estimate at once");
        downlink.IsProbing.Should().BeFalse();
    }

    [Test]
    public void A_probe_with_nothing_to_pad_on_ends_and_is_counted()
    {
        var counters = new AdaptiveMediaCounters();
        var downlink = new SubscriberDownlink(TimeSpan.FromMilliseconds(150), counters);
        downlink.SendProbePadding(null!, 0).Should().BeFalse("no cluster runs");
        counters.ProbesWithoutPadding.Should().Be(0);
    }
}

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
}

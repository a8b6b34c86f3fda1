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
}

using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Rtcp;
using static Meet.Tests.Media.Protocols.Rtcp.RtcpParserChecks;

namespace Meet.Tests.Media.Protocols.Rtcp;

public class RtcpByeTests
{
    // BYE for two SSRCs with reason "bye" (length 3 + 3 chars = 4 bytes, no padding needed).
    private static readonly byte[] WithReason = Hex("82cb0003 0000000a 0000000b 03627965");

    [Test]
    public void Ssrcs_and_reason_are_read()
    {
        RtcpBye.TryParse(WithReason, out var bye).Should().BeTrue();

        bye.SsrcCount.Should().Be(2);
        bye.GetSsrc(0).Should().Be(0x0a);
        bye.GetSsrc(1).Should().Be(0x0b);
        System.Text.Encoding.ASCII.GetString(bye.Reason).Should().Be("bye");
    }

    [Test]
    public void Reason_longer_than_the_packet_is_rejected()
    {
        RtcpBye.TryParse(Hex("81cb0002 0000000a 09627965"), out _).Should().BeFalse();
    }

    [Test]
    public void Bye_round_trips() => Prop.ForAll<uint[], string>((ssrcs, reason) =>
    {
        ssrcs = (ssrcs ?? []).Take(31).ToArray();
        var reasonBytes = System.Text.Encoding.UTF8.GetBytes(reason ?? "").Take(255).ToArray();
        var bye = new RtcpBye(ssrcs, reasonBytes);
        var buffer = new byte[bye.GetSerializedSize()];
        bye.TryWrite(buffer, out var written).Should().BeTrue();

        RtcpBye.TryParse(buffer.AsSpan(0, written), out var parsed).Should().BeTrue();
        Enumerable.Range(0, ssrcs.Length).Select(i => GetSsrc(buffer, i)).Should().Equal(ssrcs);
        parsed.Reason.ToArray().Should().Equal(reasonBytes);
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));

    private static uint GetSsrc(byte[] buffer, int index)
    {
        RtcpBye.TryParse(buffer, out var parsed);
        return parsed.GetSsrc(index);
    }

    [Test]
    public void Truncated_bye_at_every_length_is_rejected() =>
        TruncatedAtEveryLengthIsRejected(WithReason, p => RtcpBye.TryParse(p, out _));

    [Test]
    public void Random_bodies_never_throw() =>
        RandomBodiesNeverThrow(RtcpPacketType.Goodbye, 1, p => RtcpBye.TryParse(p, out _));
}

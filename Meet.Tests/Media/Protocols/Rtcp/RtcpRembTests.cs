using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Rtcp;
using static Meet.Tests.Media.Protocols.Rtcp.RtcpParserChecks;

namespace Meet.Tests.Media.Protocols.Rtcp;

public class RtcpRembTests
{
    // Chrome REMB: 2 SSRCs, exp 4, mantissa 0x3d090 (250000) → 4,000,000 bit/s.
    //   8fce 0006  sender 1, media 0, "REMB", 02 | 0b0001_0011 | d0 90, then the SSRCs
    private static readonly byte[] ChromeRemb = Hex("8fce0006 00000001 00000000 52454d42 0213d090 11223344 55667788");

    [Test]
    public void Bitrate_and_ssrcs_are_read()
    {
        RtcpRemb.IsRemb(ChromeRemb).Should().BeTrue();
        RtcpRemb.TryParse(ChromeRemb, out var remb).Should().BeTrue();

        remb.SenderSsrc.Should().Be(1);
        remb.Bitrate.Should().Be(4_000_000);
        remb.SsrcCount.Should().Be(2);
        remb.GetSsrc(0).Should().Be(0x11223344);
        remb.GetSsrc(1).Should().Be(0x55667788);
    }

    [Test]
    public void Libwebrtc_remb_from_the_mediasoup_fixtures_is_read()
    {
        // Sender 0xfa17fa17 (libwebrtc's receive-only SSRC), exp 0, mantissa 122754, two SSRCs
        // (mediasoup worker/test/src/RTC/RTCP/TestFeedbackPsRemb.cpp).
        var packet = Hex("8fce0006 fa17fa17 00000000 52454d42 0201df82 02d03702 04a76747");

        RtcpRemb.TryParse(packet, out var remb).Should().BeTrue();

        remb.SenderSsrc.Should().Be(0xfa17fa17);
        remb.Bitrate.Should().Be(122754);
        remb.GetSsrc(0).Should().Be(0x02d03702);
        remb.GetSsrc(1).Should().Be(0x04a76747);
        var rewritten = new byte[remb.GetSerializedSize()];
        remb.TryWrite(rewritten, out _).Should().BeTrue();
        rewritten.Should().Equal(packet);
    }

    [Test]
    public void Other_application_feedback_is_not_remb()
    {
        var other = (byte[])ChromeRemb.Clone();
        other[12] = (byte)'X';

        RtcpRemb.IsRemb(other).Should().BeFalse();
        RtcpRemb.TryParse(other, out _).Should().BeFalse();
    }

    [Test]
    public void Bitrate_round_trips_within_mantissa_precision() => Prop.ForAll<ulong, uint[]>((bitrate, ssrcs) =>
    {
        bitrate >>= 20; // up to ~17 Tbit/s keeps the exponent in range
        ssrcs = (ssrcs ?? []).Take(255).ToArray();
        var remb = new RtcpRemb(7, bitrate, ssrcs);
        var buffer = new byte[remb.GetSerializedSize()];
        remb.TryWrite(buffer, out var written).Should().BeTrue();

        RtcpRemb.TryParse(buffer.AsSpan(0, written), out var parsed).Should().BeTrue();
        parsed.Bitrate.Should().BeLessThanOrEqualTo(bitrate);
        // 18-bit mantissa: the error is below 2^-17 of the value.
        (bitrate - parsed.Bitrate).Should().BeLessThanOrEqualTo(bitrate >> 17);
        parsed.SsrcCount.Should().Be(ssrcs.Length);
        for (var i = 0; i < ssrcs.Length; i++)
            parsed.GetSsrc(i).Should().Be(ssrcs[i]);
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));

    [Test]
    public void Truncated_remb_at_every_length_is_rejected() =>
        TruncatedAtEveryLengthIsRejected(ChromeRemb, p => RtcpRemb.TryParse(p, out _));

    [Test]
    public void Random_bodies_never_throw() =>
        RandomBodiesNeverThrow(RtcpPacketType.PayloadSpecificFeedback, RtcpFeedbackFormat.ApplicationLayer, p =>
        {
            RtcpRemb.IsRemb(p);
            if (!RtcpRemb.TryParse(p, out var remb))
                return false;
            for (var i = 0; i < remb.SsrcCount; i++)
                remb.GetSsrc(i);
            return true;
        });
}

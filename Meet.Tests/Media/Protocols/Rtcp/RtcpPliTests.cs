using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Rtcp;
using static Meet.Tests.Media.Protocols.Rtcp.RtcpParserChecks;

namespace Meet.Tests.Media.Protocols.Rtcp;

public class RtcpPliTests
{
    private static readonly byte[] ChromePli = Hex("81ce0002 00000001 11223344");

    [Test]
    public void Pli_is_read()
    {
        RtcpPli.TryParse(ChromePli, out var pli).Should().BeTrue();

        pli.Should().Be(new RtcpPli(1, 0x11223344));
    }

    [Test]
    public void Fir_is_not_a_pli()
    {
        RtcpPli.TryParse(Hex("84ce0002 00000001 11223344"), out _).Should().BeFalse();
    }

    [Test]
    public void Pli_round_trips() => Prop.ForAll<uint, uint>((sender, media) =>
    {
        var buffer = new byte[RtcpPli.Size];
        new RtcpPli(sender, media).TryWrite(buffer, out var written).Should().BeTrue();
        RtcpPli.TryParse(buffer.AsSpan(0, written), out var parsed).Should().BeTrue();
        parsed.Should().Be(new RtcpPli(sender, media));
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));

    [Test]
    public void Truncated_pli_at_every_length_is_rejected() =>
        TruncatedAtEveryLengthIsRejected(ChromePli, p => RtcpPli.TryParse(p, out _));

    [Test]
    public void Random_bodies_never_throw() =>
        RandomBodiesNeverThrow(RtcpPacketType.PayloadSpecificFeedback, RtcpFeedbackFormat.PictureLossIndication,
            p => RtcpPli.TryParse(p, out _));
}

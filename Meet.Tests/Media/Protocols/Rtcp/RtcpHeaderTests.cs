using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Rtcp;
using static Meet.Tests.Media.Protocols.Rtcp.RtcpParserChecks;

namespace Meet.Tests.Media.Protocols.Rtcp;

public class RtcpHeaderTests
{
    [Test]
    public void Header_fields_are_read()
    {
        var pli = Hex("81ce0002 00000001 00000002");

        RtcpHeader.TryParse(pli, out var header).Should().BeTrue();

        header.Count.Should().Be(1);
        header.PacketType.Should().Be(RtcpPacketType.PayloadSpecificFeedback);
        header.PacketLength.Should().Be(12);
        header.HasPadding.Should().BeFalse();
        header.GetBody(pli).Length.Should().Be(8);
    }

    [Test]
    public void Padding_is_excluded_from_the_body()
    {
        var padded = Hex("a1ce0003 00000001 00000002 00000004");

        RtcpHeader.TryParse(padded, out var header).Should().BeTrue();

        header.PaddingLength.Should().Be(4);
        header.GetBody(padded).Length.Should().Be(8);
    }

    [TestCase("41ce0002 00000001 00000002", Description = "version 1")]
    [TestCase("a1ce0002 00000001 00000000", Description = "padding count 0")]
    [TestCase("a1ce0002 00000001 000000ff", Description = "padding longer than the packet")]
    [TestCase("81ce0003 00000001 00000002", Description = "length beyond the data")]
    public void Malformed_headers_are_rejected(string hex) => RtcpHeader.TryParse(Hex(hex), out _).Should().BeFalse();

    [Test]
    public void Rtcp_and_rtp_are_told_apart_by_the_second_byte()
    {
        RtcpHeader.IsRtcp(Hex("80c80006")).Should().BeTrue();
        RtcpHeader.IsRtcp(Hex("81cd0006")).Should().BeTrue();
        RtcpHeader.IsRtcp(Hex("806f0001")).Should().BeFalse();
        RtcpHeader.IsRtcp(Hex("80e00001")).Should().BeFalse(); // RTP PT 96 with marker
    }

    [Test]
    public void Truncated_header_at_every_length_is_rejected() =>
        TruncatedAtEveryLengthIsRejected(Hex("81ce0002 00000001 00000002"), p => RtcpHeader.TryParse(p, out _));

    [Test]
    public void Random_bytes_never_throw_and_stay_in_bounds() => Prop.ForAll<byte[]>(bytes =>
    {
        if (RtcpHeader.TryParse(bytes, out var header))
        {
            header.PacketLength.Should().BeLessThanOrEqualTo(bytes.Length);
            header.GetBody(bytes);
        }
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
}

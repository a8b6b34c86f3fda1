using Meet.Modules.Media.Protocols.Sdp;

namespace Meet.Tests.Media.Protocols.Sdp;

[TestFixture]
public sealed class SdpRtpMapTests
{
    [TestCase("111 opus/48000/2", 111, "opus", 48000, 2)]
    [TestCase("96 VP8/90000", 96, "VP8", 90000, null)]
    [TestCase("0 PCMU/8000", 0, "PCMU", 8000, null)]
    public void Rtpmap_values_are_typed_and_round_trip(string value, int pt, string encoding, int clockRate, int? channels)
    {
        SdpRtpMap.TryParse(value, out SdpRtpMap? rtpMap).Should().BeTrue();

        rtpMap.Should().Be(new SdpRtpMap(pt, encoding, clockRate, channels));
        rtpMap!.ToString().Should().Be(value);
    }

    [TestCase("")]
    [TestCase("111")]
    [TestCase("111 opus")]
    [TestCase("128 opus/48000")]
    [TestCase("111 opus/0")]
    [TestCase("111 opus/48000/2/1")]
    [TestCase("111 opus/48000/0")]
    [TestCase("111 /48000")]
    public void Malformed_rtpmaps_are_rejected(string value)
    {
        SdpRtpMap.TryParse(value, out SdpRtpMap? rtpMap).Should().BeFalse();
        rtpMap.Should().BeNull();
    }
}

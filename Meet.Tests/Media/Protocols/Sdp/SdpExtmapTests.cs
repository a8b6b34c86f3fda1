using Meet.Modules.Media.Protocols.Sdp;

namespace Meet.Tests.Media.Protocols.Sdp;

[TestFixture]
public sealed class SdpExtmapTests
{
    [TestCase("9 urn:ietf:params:rtp-hdrext:sdes:mid")]
    [TestCase("1/sendonly urn:ietf:params:rtp-hdrext:ssrc-audio-level")]
    [TestCase("255 urn:example vad=on")]
    public void Extmap_values_round_trip(string value)
    {
        SdpExtmap.TryParse(value, out SdpExtmap? extmap).Should().BeTrue();

        extmap!.ToString().Should().Be(value);
    }

    [Test]
    public void Direction_and_attributes_are_typed()
    {
        SdpExtmap.TryParse("3/recvonly urn:x a b", out SdpExtmap? e).Should().BeTrue();

        e.Should().Be(new SdpExtmap(3, "urn:x", SdpDirection.RecvOnly, "a b"));
    }

    [TestCase("")]
    [TestCase("9")]
    [TestCase("0 urn:x")]
    [TestCase("256 urn:x")]
    [TestCase("9/up urn:x")]
    [TestCase("x urn:x")]
    public void Malformed_extmaps_are_rejected(string value)
    {
        SdpExtmap.TryParse(value, out SdpExtmap? e).Should().BeFalse();
        e.Should().BeNull();
    }
}

using Meet.Modules.Media.Protocols.Sdp;

namespace Meet.Tests.Media.Protocols.Sdp;

[TestFixture]
public sealed class SdpSsrcTests
{
    [TestCase("3981594195 cname:lVb12JQ2weSlKJ/R", 3981594195u, "cname", "lVb12JQ2weSlKJ/R")]
    [TestCase("1 msid:stream track", 1u, "msid", "stream track")]
    [TestCase("4294967295 mslabel", 4294967295u, "mslabel", null)]
    public void Ssrc_attributes_are_typed_and_round_trip(string value, uint ssrc, string attribute, string? attributeValue)
    {
        SdpSsrc.TryParse(value, out SdpSsrc? s).Should().BeTrue();

        s.Should().Be(new SdpSsrc(ssrc, attribute, attributeValue));
        s!.ToString().Should().Be(value);
    }

    [TestCase("")]
    [TestCase("4294967296 cname:x")]
    [TestCase("-1 cname:x")]
    [TestCase("12")]
    public void Malformed_ssrc_lines_are_rejected(string value)
    {
        SdpSsrc.TryParse(value, out SdpSsrc? s).Should().BeFalse();
        s.Should().BeNull();
    }
}

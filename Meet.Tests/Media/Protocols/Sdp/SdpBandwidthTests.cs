using Meet.Modules.Media.Protocols.Sdp;

namespace Meet.Tests.Media.Protocols.Sdp;

[TestFixture]
public sealed class SdpBandwidthTests
{
    [TestCase("AS:2000", "AS", 2000L)]
    [TestCase("TIAS:1500000", "TIAS", 1500000L)]
    public void Bandwidths_are_typed_and_round_trip(string value, string type, long amount)
    {
        SdpBandwidth.TryParse(value, out SdpBandwidth? bandwidth).Should().BeTrue();

        bandwidth.Should().Be(new SdpBandwidth(type, amount));
        bandwidth!.ToString().Should().Be(value);
    }

    [TestCase("")]
    [TestCase("AS")]
    [TestCase("AS:")]
    [TestCase("AS:-1")]
    [TestCase(":100")]
    public void Malformed_bandwidths_are_rejected(string value)
    {
        SdpBandwidth.TryParse(value, out SdpBandwidth? bandwidth).Should().BeFalse();
        bandwidth.Should().BeNull();
    }
}

using Meet.Modules.Media.Protocols.Sdp;

namespace Meet.Tests.Media.Protocols.Sdp;

[TestFixture]
public sealed class SdpMsidTests
{
    [TestCase("stream track", "stream", "track")]
    [TestCase("- track", "-", "track")]
    [TestCase("stream", "stream", null)]
    public void Msid_values_are_typed_and_round_trip(string value, string stream, string? track)
    {
        SdpMsid.TryParse(value, out SdpMsid? msid).Should().BeTrue();

        msid.Should().Be(new SdpMsid(stream, track));
        msid!.ToString().Should().Be(value);
    }

    [TestCase("")]
    [TestCase("a b c")]
    public void Malformed_msid_is_rejected(string value)
    {
        SdpMsid.TryParse(value, out SdpMsid? msid).Should().BeFalse();
        msid.Should().BeNull();
    }
}

using Meet.Modules.Media.Protocols.Sdp;

namespace Meet.Tests.Media.Protocols.Sdp;

[TestFixture]
public sealed class SdpOriginTests
{
    [Test]
    public void Chrome_origin_is_typed_and_round_trips()
    {
        SdpOrigin.TryParse("- 6384676354177732828 2 IN IP4 127.0.0.1", out SdpOrigin? origin).Should().BeTrue();

        origin.Should().Be(new SdpOrigin("-", "6384676354177732828", 2, "IN", "IP4", "127.0.0.1"));
        origin!.ToString().Should().Be("- 6384676354177732828 2 IN IP4 127.0.0.1");
    }

    [Test]
    public void Session_ids_beyond_64_bits_are_kept_as_text()
    {
        SdpOrigin.TryParse("- 123456789012345678901234567890 1 IN IP4 0.0.0.0", out SdpOrigin? origin).Should().BeTrue();

        origin!.SessionId.Should().Be("123456789012345678901234567890");
        origin.ToString().Should().Be("- 123456789012345678901234567890 1 IN IP4 0.0.0.0");
    }

    [TestCase("")]
    [TestCase("- 1 1 IN IP4")]
    [TestCase("- x 1 IN IP4 0.0.0.0")]
    [TestCase("- 12a 1 IN IP4 0.0.0.0")]
    [TestCase("- 1 -1 IN IP4 0.0.0.0")]
    [TestCase("- 1 1 IN IP4 0.0.0.0 extra")]
    public void Malformed_origins_are_rejected(string value)
    {
        SdpOrigin.TryParse(value, out SdpOrigin? origin).Should().BeFalse();
        origin.Should().BeNull();
    }
}

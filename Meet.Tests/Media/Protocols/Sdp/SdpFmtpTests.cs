using Meet.Modules.Media.Protocols.Sdp;

namespace Meet.Tests.Media.Protocols.Sdp;

[TestFixture]
public sealed class SdpFmtpTests
{
    [Test]
    public void Key_value_parameters_are_exposed()
    {
        SdpFmtp.TryParse("102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f", out SdpFmtp? f).Should().BeTrue();

        f!.GetParameters().Should().Contain("packetization-mode", "1").And.Contain("profile-level-id", "42001f");
        f.AssociatedPayloadType.Should().BeNull();
        f.ToString().Should().Be("102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f");
    }

    [Test]
    public void Rtx_names_its_associated_payload_type()
    {
        SdpFmtp.TryParse("97 apt=96", out SdpFmtp? f).Should().BeTrue();

        f!.AssociatedPayloadType.Should().Be(96);
    }

    [Test]
    public void Non_key_value_parameters_are_kept_verbatim()
    {
        // RED (RFC 2198) lists its redundant payload types.
        SdpFmtp.TryParse("63 111/111", out SdpFmtp? f).Should().BeTrue();

        f!.Parameters.Should().Be("111/111");
        f.GetParameters().Should().BeEmpty();
    }

    [TestCase("")]
    [TestCase("97")]
    [TestCase("128 apt=96")]
    [TestCase("x apt=96")]
    public void Malformed_fmtp_is_rejected(string value)
    {
        SdpFmtp.TryParse(value, out SdpFmtp? f).Should().BeFalse();
        f.Should().BeNull();
    }
}

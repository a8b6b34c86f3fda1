using Meet.Modules.Media.Protocols.Sdp;

namespace Meet.Tests.Media.Protocols.Sdp;

[TestFixture]
public sealed class SdpRtcpFeedbackTests
{
    [TestCase("96 nack", 96, "nack", null)]
    [TestCase("96 nack pli", 96, "nack", "pli")]
    [TestCase("96 ccm fir", 96, "ccm", "fir")]
    [TestCase("* transport-cc", null, "transport-cc", null)]
    public void Feedback_values_are_typed_and_round_trip(string value, int? pt, string type, string? parameter)
    {
        SdpRtcpFeedback.TryParse(value, out SdpRtcpFeedback? f).Should().BeTrue();

        f.Should().Be(new SdpRtcpFeedback(pt, type, parameter));
        f!.ToString().Should().Be(value);
    }

    [TestCase("")]
    [TestCase("96")]
    [TestCase("x nack")]
    public void Malformed_feedback_is_rejected(string value)
    {
        SdpRtcpFeedback.TryParse(value, out SdpRtcpFeedback? f).Should().BeFalse();
        f.Should().BeNull();
    }
}

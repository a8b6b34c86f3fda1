using Meet.Modules.Media.Protocols.Sdp;

namespace Meet.Tests.Media.Protocols.Sdp;

[TestFixture]
public sealed class SdpTimingTests
{
    [Test]
    public void Unbounded_timing_round_trips()
    {
        SdpTiming.TryParse("0 0", out SdpTiming? timing).Should().BeTrue();

        timing!.Start.Should().Be(0);
        timing.ToString().Should().Be("0 0");
    }

    [Test]
    public void Repeat_lines_stay_with_their_timing()
    {
        string text = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=3034423619 3042462419\r\nr=7d 1h 0 25h\r\nt=0 0\r\n";

        SessionDescription.TryParse(text, out SessionDescription? sdp, out _).Should().BeTrue();

        sdp!.Timings.Should().HaveCount(2);
        sdp.Timings[0].Repeats.Should().Equal("7d 1h 0 25h");
        sdp.Timings[1].Repeats.Should().BeEmpty();
        sdp.ToString().Should().Be(text);
    }

    [TestCase("")]
    [TestCase("0")]
    [TestCase("0 x")]
    [TestCase("0 0 0")]
    public void Malformed_timings_are_rejected(string value)
    {
        SdpTiming.TryParse(value, out SdpTiming? timing).Should().BeFalse();
        timing.Should().BeNull();
    }
}

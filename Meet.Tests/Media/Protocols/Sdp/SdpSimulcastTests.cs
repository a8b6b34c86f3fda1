using Meet.Modules.Media.Protocols.Sdp;

namespace Meet.Tests.Media.Protocols.Sdp;

[TestFixture]
public sealed class SdpSimulcastTests
{
    [TestCase("send q;h;f")]
    [TestCase("recv q;h;f")]
    [TestCase("send 1;~2;3 recv 4")]
    [TestCase("send a,b;c")]
    public void Simulcast_values_round_trip(string value)
    {
        SdpSimulcast.TryParse(value, out SdpSimulcast? simulcast).Should().BeTrue();

        simulcast!.ToString().Should().Be(value);
    }

    [Test]
    public void Streams_alternatives_and_paused_rids_are_typed()
    {
        // RFC 8853 §5.1 example shape: ';' separates streams, ',' alternatives, '~' marks paused.
        SdpSimulcast.TryParse("send a,~b;c recv d", out SdpSimulcast? s).Should().BeTrue();

        s!.Send.Should().HaveCount(2);
        s.Send[0].Should().Equal(new SdpSimulcastRid("a"), new SdpSimulcastRid("b", Paused: true));
        s.SendRids.Should().Equal("a", "c");
        s.RecvRids.Should().Equal("d");
    }

    [Test]
    public void Recv_first_is_accepted_and_written_send_first()
    {
        SdpSimulcast.TryParse("recv x send y", out SdpSimulcast? s).Should().BeTrue();

        s!.ToString().Should().Be("send y recv x");
    }

    [Test]
    public void Reverse_swaps_directions_for_the_answer()
    {
        SdpSimulcast.SendingRids("q", "h", "f").Reverse().ToString().Should().Be("recv q;h;f");
    }

    [TestCase("")]
    [TestCase("send")]
    [TestCase("send q;h;f recv")]
    [TestCase("send q send h")]
    [TestCase("sideways q")]
    [TestCase("send q;;f")]
    [TestCase("send ~")]
    [TestCase("send q h")]
    public void Malformed_simulcast_is_rejected(string value)
    {
        SdpSimulcast.TryParse(value, out SdpSimulcast? s).Should().BeFalse();
        s.Should().BeNull();
    }
}

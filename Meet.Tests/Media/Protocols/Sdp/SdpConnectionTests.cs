using Meet.Modules.Media.Protocols.Sdp;

namespace Meet.Tests.Media.Protocols.Sdp;

[TestFixture]
public sealed class SdpConnectionTests
{
    [TestCase("IN IP4 127.0.0.1")]
    [TestCase("IN IP6 ::1")]
    [TestCase("IN IP4 224.2.36.42/127")]
    public void Connections_round_trip(string value)
    {
        SdpConnection.TryParse(value, out SdpConnection? connection).Should().BeTrue();

        connection!.ToString().Should().Be(value);
    }

    [TestCase("")]
    [TestCase("IN IP4")]
    [TestCase("IN IP4 1.2.3.4 x")]
    public void Malformed_connections_are_rejected(string value)
    {
        SdpConnection.TryParse(value, out SdpConnection? connection).Should().BeFalse();
        connection.Should().BeNull();
    }
}

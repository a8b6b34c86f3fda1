using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Sdp;

namespace Meet.Tests.Media.Protocols.Sdp;

[TestFixture]
public sealed class SdpCandidateTests
{
    [TestCase("candidate:459827408 1 udp 2122260223 127.0.0.1 48360 typ host generation 0 network-id 1 network-cost 50")]
    [TestCase("candidate:1705478728 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active generation 0 network-id 1 network-cost 50")]
    [TestCase("candidate:842163049 1 udp 1677729535 203.0.113.7 61665 typ srflx raddr 192.168.1.20 rport 61665 generation 0 ufrag kRBt network-id 1")]
    [TestCase("candidate:3 1 UDP 92185087 198.51.100.9 3478 typ relay raddr 203.0.113.7 rport 61665")]
    [TestCase("candidate:2 1 udp 2122262783 2001:db8::1 50000 typ host")]
    [TestCase("candidate:1 1 udp 2113937151 5f3b6a1e-8c2b-4a55-9f3e-0d3c2a1b9e77.local 54400 typ host generation 0")]
    public void Browser_candidates_round_trip(string text)
    {
        SdpCandidate.TryParse(text, out SdpCandidate? candidate).Should().BeTrue();

        candidate!.ToString().Should().Be(text);
    }

    [Test]
    public void Server_reflexive_candidate_fields_are_typed()
    {
        SdpCandidate.TryParse(
            "candidate:842163049 1 udp 1677729535 203.0.113.7 61665 typ srflx raddr 192.168.1.20 rport 61666 generation 0 ufrag kRBt",
            out SdpCandidate? c).Should().BeTrue();

        c!.Foundation.Should().Be("842163049");
        c.Component.Should().Be(1);
        c.Transport.Should().Be("udp");
        c.Priority.Should().Be(1677729535u);
        c.Address.Should().Be("203.0.113.7");
        c.Port.Should().Be(61665);
        c.Type.Should().Be(SdpCandidateType.ServerReflexive);
        c.RelatedAddress.Should().Be("192.168.1.20");
        c.RelatedPort.Should().Be(61666);
        c.GetExtension("ufrag").Should().Be("kRBt");
        c.GetExtension("generation").Should().Be("0");
        c.GetExtension("missing").Should().BeNull();
    }

    [Test]
    public void Trickle_text_without_the_candidate_prefix_is_accepted()
    {
        SdpCandidate.TryParse("1 1 udp 2122260223 127.0.0.1 5000 typ host", out SdpCandidate? c).Should().BeTrue();

        c!.ToFieldString().Should().Be("1 1 udp 2122260223 127.0.0.1 5000 typ host");
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("candidate:")]
    [TestCase("candidate:1 1 udp 2122260223 127.0.0.1 5000 host")]
    [TestCase("candidate:1 1 udp 2122260223 127.0.0.1 5000 typ unicorn")]
    [TestCase("candidate:1 0 udp 2122260223 127.0.0.1 5000 typ host")]
    [TestCase("candidate:1 1 udp -1 127.0.0.1 5000 typ host")]
    [TestCase("candidate:1 1 udp 2122260223 127.0.0.1 65536 typ host")]
    [TestCase("candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host generation")]
    [TestCase("candidate:1 1 udp 2122260223 127.0.0.1 5000 typ srflx raddr 10.0.0.1 rport x")]
    [TestCase("candidate:123456789012345678901234567890123 1 udp 1 127.0.0.1 5000 typ host")]
    public void Malformed_candidates_are_rejected(string? text)
    {
        SdpCandidate.TryParse(text, out SdpCandidate? candidate).Should().BeFalse();
        candidate.Should().BeNull();
    }

    [Test]
    public void Every_truncation_parses_or_fails_without_throwing()
    {
        const string text = "candidate:842163049 1 udp 1677729535 203.0.113.7 61665 typ srflx raddr 192.168.1.20 rport 61665 generation 0";
        for (int length = 0; length <= text.Length; length++)
        {
            if (SdpCandidate.TryParse(text[..length], out SdpCandidate? c))
            {
                SdpCandidate.TryParse(c.ToString(), out _).Should().BeTrue();
            }
        }
    }

    [Test]
    public void Random_text_never_throws()
    {
        Prop.ForAll<string>(text => SdpCandidate.TryParse(text, out SdpCandidate? c) == (c is not null)).QuickCheckThrowOnFailure();
    }
}

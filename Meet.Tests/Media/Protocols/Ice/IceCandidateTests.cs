using System.Net;
using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Ice;
using Meet.PacketEngine;

namespace Meet.Tests.Media.Protocols.Ice;

public class IceCandidateTests
{
    // Captured from Chromium 156 offers (addresses replaced with documentation ranges).
    private const string ChromeUdpHost =
        "candidate:3471623853 1 udp 2122260223 192.0.2.10 54321 typ host generation 0 network-id 1 network-cost 10";
    private const string ChromeTcpActive =
        "candidate:1519264543 1 tcp 1518280447 192.0.2.10 9 typ host tcptype active generation 0 network-id 1";
    private const string ChromeMdns =
        "candidate:2437072876 1 udp 2113937151 9f3b2c4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b.local 60001 typ host generation 0 ufrag AbCd network-cost 999";
    private const string Srflx =
        "candidate:842163049 1 udp 1677729535 203.0.113.7 61000 typ srflx raddr 192.0.2.10 rport 54321 generation 0";

    [Test]
    public void Chrome_udp_host_candidate_parses_and_round_trips()
    {
        IceCandidate.TryParse("a=" + ChromeUdpHost, out var candidate).Should().BeTrue();

        candidate.Foundation.Should().Be("3471623853");
        candidate.Component.Should().Be(1);
        candidate.Protocol.Should().Be(IceTransportProtocol.Udp);
        candidate.Priority.Should().Be(2122260223);
        candidate.Address.Should().Be(PacketAddress.FromEndPoint(IPEndPoint.Parse("192.0.2.10:54321")));
        candidate.Type.Should().Be(IceCandidateType.Host);
        candidate.Extensions.Should().HaveCount(3);
        candidate.ToString().Should().Be(ChromeUdpHost);
    }

    [TestCase(ChromeTcpActive, IceTcpType.Active)]
    [TestCase("candidate:1 1 TCP 1015023359 192.0.2.1 443 typ host tcptype passive", IceTcpType.Passive)]
    public void Tcp_candidates_carry_their_tcptype(string line, IceTcpType tcpType)
    {
        IceCandidate.TryParse(line, out var candidate).Should().BeTrue();

        candidate.Protocol.Should().Be(IceTransportProtocol.Tcp);
        candidate.TcpType.Should().Be(tcpType);
    }

    [Test]
    public void Mdns_candidate_parses_with_an_empty_address()
    {
        IceCandidate.TryParse(ChromeMdns, out var candidate).Should().BeTrue();

        candidate.Host.Should().EndWith(".local");
        candidate.Address.IsEmpty.Should().BeTrue();
        candidate.ToString().Should().Be(ChromeMdns);
    }

    [Test]
    public void Server_reflexive_candidate_keeps_related_address()
    {
        IceCandidate.TryParse(Srflx, out var candidate).Should().BeTrue();

        candidate.Type.Should().Be(IceCandidateType.ServerReflexive);
        candidate.RelatedAddress.Should().Be("192.0.2.10");
        candidate.RelatedPort.Should().Be((ushort)54321);
        candidate.ToString().Should().Be(Srflx);
    }

    [Test]
    public void Server_tcp_host_candidate_is_passive_and_ranks_below_udp()
    {
        var address = PacketAddress.FromEndPoint(IPEndPoint.Parse("192.0.2.1:443"));
        var tcp = IceCandidate.CreateHost("2", address, IceTransportProtocol.Tcp);
        var udp = IceCandidate.CreateHost("1", address.WithPort(40000), IceTransportProtocol.Udp);

        tcp.ToString().Should().Be($"candidate:2 1 tcp {tcp.Priority} 192.0.2.1 443 typ host tcptype passive");
        udp.ToString().Should().Be("candidate:1 1 udp 2130706431 192.0.2.1 40000 typ host");
        tcp.Priority.Should().BeLessThan(udp.Priority);
    }

    [Test]
    public void Priority_follows_rfc8445_formula()
    {
        IceCandidate.ComputePriority(IceCandidateType.Host, 65535, 1).Should().Be(2130706431);
        IceCandidate.ComputePriority(IceCandidateType.ServerReflexive, 65535, 1).Should().Be((100u << 24) + (65535u << 8) + 255);
        IceCandidate.ComputePriority(IceCandidateType.Relayed, 0, 2).Should().Be(254);
    }

    [TestCase("")]
    [TestCase("candidate:1 1 udp 1 192.0.2.1 5000 host")]
    [TestCase("candidate:1 1 sctp 1 192.0.2.1 5000 typ host")]
    [TestCase("candidate:1 0 udp 1 192.0.2.1 5000 typ host")]
    [TestCase("candidate:1 1 udp 1 192.0.2.1 70000 typ host")]
    [TestCase("candidate:1 1 udp 1 192.0.2.1 5000 typ bogus")]
    [TestCase("candidate:1 1 udp 1 192.0.2.1 5000 typ host generation")]
    [TestCase("candidate:1 1 tcp 1 192.0.2.1 5000 typ host tcptype sideways")]
    [TestCase("ice-ufrag:abcd")]
    public void Malformed_lines_are_rejected(string line) => IceCandidate.TryParse(line, out _).Should().BeFalse();

    [Test]
    public void Truncated_line_at_every_length_never_throws()
    {
        for (var length = 0; length <= Srflx.Length; length++)
            IceCandidate.TryParse(Srflx[..length], out _);
    }

    [Test]
    public void Random_text_never_throws() => Prop.ForAll<string>(text =>
    {
        IceCandidate.TryParse(text, out _);
        IceCandidate.TryParse("candidate:" + text, out _);
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(1000));

    [Test]
    public void Generated_candidates_round_trip() => Prop.ForAll<uint, ushort, bool>((ip, port, tcp) =>
    {
        var candidate = IceCandidate.CreateHost("7", PacketAddress.FromIPv4(ip, port),
            tcp ? IceTransportProtocol.Tcp : IceTransportProtocol.Udp);
        IceCandidate.TryParse(candidate.ToString(), out var parsed).Should().BeTrue();
        parsed.ToString().Should().Be(candidate.ToString());
        parsed.Address.Should().Be(candidate.Address);
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
}

using System.Text.Json;

namespace Meet.Tests.PacketEngine.Dpdk;

/// <summary>
/// End to end with a real Linux stack: DPDK's net_af_packet on one end of a veth pair, an ordinary
/// kernel UDP socket on the other, each end in a network namespace this test creates.
/// </summary>
[Category("Dpdk")]
public class DpdkPacketEngineAfPacketTests
{
    private JsonElement _server;
    private JsonElement _peer;

    [OneTimeSetUp]
    public void EchoThroughDpdkForAKernelSocketInAnotherNamespace()
    {
        using var namespaces = new NetworkNamespacePair("10.99.0.2/24");
        var prefix = DpdkChildProcess.NewPrefix();
        try
        {
            using var server = DpdkChildProcess.Start(namespaces.DpdkNamespace,
                "afpacket", "--prefix", prefix, "--iface", namespaces.DpdkInterface, "--ip", "10.99.0.1", "--port", "5004");
            server.WaitForLine("READY", TimeSpan.FromSeconds(30)).Should().NotBeNull("the DPDK echo server should start");
            var peer = DpdkChildProcess.Run(namespaces.PeerNamespace, DpdkChildProcess.NewPrefix(),
                "udp-peer", "--server", "10.99.0.1", "--port", "5004", "--count", "20", "--other", "10.99.0.3");
            peer.ExitCode.Should().Be(0, peer.ToString());
            _peer = peer.Result;
            server.CloseInput();
            var result = server.WaitForExit();
            result.ExitCode.Should().Be(0, result.ToString());
            _server = result.Result;
        }
        finally
        {
            DpdkChildProcess.RemoveRuntimeDirectory(prefix);
        }
    }

    private long Drops(string reason) => _server.GetProperty("engine.drops").GetProperty(reason).GetInt64();

    [Test]
    public void A_datagram_from_a_kernel_socket_arrives_through_dpdk_and_the_reply_comes_back()
    {
        _peer.GetProperty("echo.before").GetInt32().Should().Be(20);
        _server.GetProperty("channel.packetsIn").GetInt64().Should().BeGreaterThanOrEqualTo(40);
        _server.GetProperty("channel.packetsOut").GetInt64().Should().Be(_server.GetProperty("channel.packetsIn").GetInt64());
    }

    [Test]
    public void The_kernel_resolves_our_address_through_our_arp_reply()
    {
        _server.GetProperty("engine.arpReplies").GetInt64().Should().BeGreaterThanOrEqualTo(1);
    }

    [Test]
    public void Arp_for_another_address_and_icmp_are_counted_and_dropped()
    {
        Drops("NotForUs").Should().BeGreaterThanOrEqualTo(1, "the peer's ARP requests for 10.99.0.3");
        Drops("NotUdp").Should().BeGreaterThanOrEqualTo(1, "the peer's ICMP echo request");
        _peer.GetProperty("ping.status").GetString().Should().NotBe("Success");
    }

    [Test]
    public void An_oversized_datagram_is_dropped()
    {
        // af_packet reassembles the peer's fragments (the PMD sets PACKET_FANOUT_FLAG_DEFRAG) and
        // truncates the 3,042-byte frame to its 2 KiB ring slot: a short IPv4 packet.
        (Drops("Malformed") + Drops("Oversized") + Drops("Fragment")).Should().BeGreaterThanOrEqualTo(1);
    }

    [Test]
    public void Forwarding_continues_after_the_impairments()
    {
        _peer.GetProperty("echo.after").GetInt32().Should().Be(20);
    }
}

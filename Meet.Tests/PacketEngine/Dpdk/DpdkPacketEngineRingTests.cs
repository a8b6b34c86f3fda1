using System.Text.Json;

namespace Meet.Tests.PacketEngine.Dpdk;

/// <summary>
/// The packet-engine contract on DPDK's net_ring (a port that loops back everything it sends):
/// deterministic and root-free. The scenario runs once, in its own process, and each test checks
/// one behaviour of what it observed. The checks mirror the shared contract suite.
/// </summary>
[Category("Dpdk")]
public class DpdkPacketEngineRingTests
{
    private JsonElement _result;

    [OneTimeSetUp]
    public void RunScenarioInItsOwnProcess()
    {
        var prefix = DpdkChildProcess.NewPrefix();
        var run = DpdkChildProcess.Run(null, prefix, "ring", "--prefix", prefix);
        run.ExitCode.Should().Be(0, run.ToString());
        _result = run.Result;
        Directory.Exists(Path.Combine("/var/run/dpdk", prefix)).Should().BeFalse();
    }

    private long Long(string key) => _result.GetProperty(key).GetInt64();

    private string[] Strings(string key) => _result.GetProperty(key).EnumerateArray().Select(e => e.GetString()!).ToArray();

    [Test]
    public void Bind_to_port_zero_picks_an_ephemeral_port()
    {
        Long("roundTrip.localPort").Should().BeInRange(49152, 65535);
    }

    [Test]
    public void Datagrams_sent_to_the_own_address_come_back_byte_for_byte_in_order()
    {
        Long("roundTrip.sent").Should().Be(4);
        _result.GetProperty("roundTrip.receivedLengths").EnumerateArray().Select(e => e.GetInt32())
            .Should().Equal(_result.GetProperty("roundTrip.sentLengths").EnumerateArray().Select(e => e.GetInt32()));
        _result.GetProperty("roundTrip.receivedDigest").GetString().Should().Be(_result.GetProperty("roundTrip.sentDigest").GetString());
    }

    [Test]
    public void Received_datagrams_carry_the_senders_address()
    {
        Strings("roundTrip.receivedFrom").Should().Equal(_result.GetProperty("roundTrip.localAddress").GetString());
        Strings("echo.from").Should().Equal(_result.GetProperty("echo.serverAddress").GetString());
    }

    [Test]
    public void One_burst_is_delivered_as_one_batch()
    {
        Long("roundTrip.batchesReceived").Should().Be(1);
    }

    [Test]
    public void Counters_count_packets_and_payload_bytes_both_ways()
    {
        Long("roundTrip.packetsOut").Should().Be(4);
        Long("roundTrip.packetsIn").Should().Be(4);
        Long("roundTrip.bytesOut").Should().Be(1 + 100 + 1200 + 1472);
        Long("roundTrip.bytesIn").Should().Be(1 + 100 + 1200 + 1472);
    }

    [Test]
    public void A_receiver_can_reply_from_inside_its_callback()
    {
        Long("echo.received").Should().Be(16);
        _result.GetProperty("echo.digestMatches").GetBoolean().Should().BeTrue();
        Long("echo.serverPacketsIn").Should().Be(16);
        Long("echo.serverPacketsOut").Should().Be(16);
    }

    [Test]
    public void Sends_from_several_threads_at_once_all_arrive_exactly_once()
    {
        Long("concurrent.sent").Should().Be(Long("concurrent.attempted"));
        Long("concurrent.received").Should().Be(Long("concurrent.sent"));
        Long("concurrent.distinct").Should().Be(Long("concurrent.sent"));
    }

    [Test]
    public void Binding_a_bound_port_is_refused_and_a_disposed_port_can_be_bound_again()
    {
        _result.GetProperty("bind.duplicate").GetString().Should().Contain("7200").And.Contain("already bound");
        _result.GetProperty("bind.rebindAfterDispose").GetBoolean().Should().BeTrue();
    }

    [Test]
    public void Ice_tcp_and_foreign_addresses_are_refused_with_the_key_to_change()
    {
        _result.GetProperty("bind.iceTcp").GetString().Should().Contain("PacketEngine:Backend=Sockets");
        _result.GetProperty("bind.otherAddress").GetString().Should().Contain("PacketEngine:Dpdk:LocalIp");
    }

    [Test]
    public void Malformed_frames_are_counted_by_reason_and_dropped()
    {
        var drops = _result.GetProperty("malformed.drops");
        drops.GetProperty("Malformed").GetInt64().Should().Be(3, "truncated Ethernet, IPv4 and UDP");
        drops.GetProperty("BadIpChecksum").GetInt64().Should().Be(1);
        drops.GetProperty("Fragment").GetInt64().Should().Be(2, "a first (MF) and a later (offset) fragment");
        drops.GetProperty("NotUdp").GetInt64().Should().Be(2, "ICMP over IPv4 and an IPv6 EtherType");
        drops.GetProperty("BadUdpChecksum").GetInt64().Should().Be(1);
        // Other IP, other MAC, unbound port, ARP for another address, and our own ARP reply looping back.
        drops.GetProperty("NotForUs").GetInt64().Should().Be(5);
    }

    [Test]
    public void Forwarding_continues_after_malformed_frames()
    {
        Long("malformed.validDelivered").Should().Be(1);
        _result.GetProperty("malformed.validDigestMatches").GetBoolean().Should().BeTrue();
    }

    [Test]
    public void Arp_requests_for_our_address_are_answered()
    {
        Long("malformed.arpReplies").Should().Be(1);
    }

    [Test]
    public void Sends_to_an_unresolved_neighbour_are_dropped_and_trigger_one_arp_request()
    {
        Long("unknownPeer.sent").Should().Be(0);
        Long("unknownPeer.drops").Should().Be(2);
        Long("unknownPeer.arpRequests").Should().Be(1);
    }

    [Test]
    public void Eal_init_leaves_the_process_cpu_affinity_as_it_was()
    {
        Long("affinityAfterInit").Should().Be(Long("affinityCpus"));
    }
}

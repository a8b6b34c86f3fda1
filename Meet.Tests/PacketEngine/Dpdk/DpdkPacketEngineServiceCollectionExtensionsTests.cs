namespace Meet.Tests.PacketEngine.Dpdk;

/// <summary>Host start-up with PacketEngine:Backend=Dpdk, each case in a process of its own.</summary>
[Category("Dpdk")]
public class DpdkPacketEngineServiceCollectionExtensionsTests
{
    private static DpdkChildResult RunHost(string prefix, string eal, params string[] extra)
    {
        var arguments = new List<string> { "host", "--prefix", prefix, "--eal", eal };
        arguments.AddRange(extra);
        return DpdkChildProcess.Run(null, prefix, [.. arguments]);
    }

    private static string Eal(string prefix, string vdev) =>
        $"--no-huge|-m|256|--no-pci|-l|0|--file-prefix|{prefix}|--no-telemetry|--log-level=warning|--vdev={vdev}";

    [Test]
    public void Host_with_backend_dpdk_and_a_net_ring_vdev_starts_the_engine_and_forwards()
    {
        var prefix = DpdkChildProcess.NewPrefix();
        var run = RunHost(prefix, Eal(prefix, "net_ring0"));

        run.ExitCode.Should().Be(0, run.ToString());
        run.Result.GetProperty("host.backend").GetString().Should().Be("Dpdk");
        run.Result.GetProperty("host.roundTrip").GetInt32().Should().Be(1);
    }

    [Test]
    public void A_bad_eal_argument_fails_start_up_naming_the_key()
    {
        var prefix = DpdkChildProcess.NewPrefix();
        var run = RunHost(prefix, Eal(prefix, "net_ring0") + "|--no-such-eal-option");

        run.ExitCode.Should().Be(2, run.ToString());
        run.Error.Should().StartWith("PacketEngineException").And.Contain("PacketEngine:Dpdk:EalArgs");
    }

    [Test]
    public void A_vdev_that_fails_to_probe_fails_start_up_naming_the_port_and_eal_keys()
    {
        var prefix = DpdkChildProcess.NewPrefix();
        var run = RunHost(prefix, Eal(prefix, "net_af_packet0,iface=meetnoiface0"));

        run.ExitCode.Should().Be(2, run.ToString());
        run.Error.Should().Contain("PacketEngine:Dpdk:PortId").And.Contain("PacketEngine:Dpdk:EalArgs");
    }

    [Test]
    public void An_unknown_driver_fails_start_up_naming_the_eal_key()
    {
        var prefix = DpdkChildProcess.NewPrefix();
        var run = RunHost(prefix, Eal(prefix, "net_nonexistent0"));

        run.ExitCode.Should().Be(2, run.ToString());
        run.Error.Should().Contain("PacketEngine:Dpdk:EalArgs");
    }

    [Test]
    public void A_missing_dpdk_library_fails_start_up_naming_the_key()
    {
        var prefix = DpdkChildProcess.NewPrefix();
        var run = RunHost(prefix, Eal(prefix, "net_ring0"), "--native-library", "/nonexistent/libmeet_dpdk.so");

        run.ExitCode.Should().Be(2, run.ToString());
        run.Error.Should().StartWith("PacketEngineException").And.Contain("PacketEngine:Dpdk:NativeLibraryPath");
    }
}

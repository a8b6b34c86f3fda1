using System.Diagnostics;
using System.Net;

namespace Meet.Benchmarks.Meeting;

// `meeting ... --engine dpdk` (issue 14): the server's DPDK engine on net_af_packet over a veth pair,
// the participants' UDP sockets on the pair's other end. Everything runs inside a network namespace
// this creates (root), so no packet leaves it: the command re-runs itself there with
// `--dpdk-interface`, HTTP and gRPC stay on the namespace's loopback, media crosses the veth.
internal static class DpdkLoadNamespace
{
    public static readonly IPAddress ParticipantAddress = IPAddress.Parse("10.77.0.1");
    public static readonly IPAddress ServerAddress = IPAddress.Parse("10.77.0.2");
    private const int MediaPort = 40_000;

    // DPDK's runtime folder /var/run/dpdk/<prefix>, named after the veth end so the outer process can
    // remove it when the run is over (DPDK leaves it behind).
    private static string FilePrefix(string iface) => "meet-load-" + iface;

    public static IEnumerable<string> ServerArguments(string iface)
    {
        string[] eal = ["--no-huge", "-m", "256", "--no-pci", "-l", "0", "--file-prefix", FilePrefix(iface),
            "--no-telemetry", "--log-level=warning", $"--vdev=net_af_packet0,iface={iface}"];
        yield return "--PacketEngine:Backend=Dpdk";
        yield return $"--PacketEngine:Dpdk:LocalIp={ServerAddress}";
        yield return $"--Node:PublicIp={ServerAddress}";
        yield return $"--Media:UdpPort={MediaPort}";
        for (var i = 0; i < eal.Length; i++)
            yield return $"--PacketEngine:Dpdk:EalArgs:{i}={eal[i]}";
    }

    // Builds the namespace and the veth pair, runs this command inside it, removes both.
    public static async Task<int> RunInsideAsync(string[] args)
    {
        var id = Environment.ProcessId % 100_000;
        var ns = $"meet-load-{id}";
        var dpdkEnd = $"ml{id}d";
        var participantEnd = $"ml{id}p";
        try
        {
            Sh($"ip netns add {ns}");
            Sh($"ip -n {ns} link set lo up");
            Sh($"ip -n {ns} link add {dpdkEnd} type veth peer name {participantEnd}");
            Sh($"ip netns exec {ns} sysctl -qw net.ipv6.conf.all.disable_ipv6=1");
            Sh($"ip -n {ns} addr add {ParticipantAddress}/24 dev {participantEnd}");
            Sh($"ip -n {ns} link set {dpdkEnd} up");
            Sh($"ip -n {ns} link set {participantEnd} up");
            // The kernel would leave UDP checksums to the virtual NIC (CHECKSUM_PARTIAL) and the
            // engine would drop them as BadUdpChecksum (docs/packet-engine-dpdk.md).
            Sh($"ip netns exec {ns} ethtool -K {participantEnd} tx off");
            var self = typeof(DpdkLoadNamespace).Assembly.Location;
            var start = new ProcessStartInfo("ip") { UseShellExecute = false };
            foreach (var argument in (string[])["netns", "exec", ns, Environment.ProcessPath ?? "dotnet", self, "meeting", .. args, "--dpdk-interface", dpdkEnd])
                start.ArgumentList.Add(argument);
            using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start the run inside the namespace");
            await child.WaitForExitAsync();
            return child.ExitCode;
        }
        finally
        {
            Sh($"ip netns del {ns}", check: false);
            Sh($"rm -rf /var/run/dpdk/{FilePrefix(dpdkEnd)}", check: false);
        }
    }

    private static void Sh(string command, bool check = true)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardError = true, UseShellExecute = false })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (check && process.ExitCode != 0)
            throw new InvalidOperationException($"`{command}` failed ({process.ExitCode}): {error}");
    }
}

using System.Diagnostics;

namespace Meet.Tests.PacketEngine.Dpdk;

/// <summary>
/// Two network namespaces created for one test and joined by a veth pair: the DPDK side (no kernel
/// address: DPDK owns it) and the peer side with an ordinary kernel address. Nothing outside them
/// is touched; disposing deletes both namespaces, which removes the veth pair with them.
/// </summary>
internal sealed class NetworkNamespacePair : IDisposable
{
    public NetworkNamespacePair(string peerAddressWithPrefix)
    {
        var id = $"{Environment.ProcessId % 100000}{Random.Shared.Next(1000):D3}";
        DpdkNamespace = $"meet-dpdk-{id}";
        PeerNamespace = $"meet-peer-{id}";
        DpdkInterface = $"md{id}";
        PeerInterface = $"mp{id}";
        try
        {
            Ip($"netns add {DpdkNamespace}");
            Ip($"netns add {PeerNamespace}");
            Ip($"link add {DpdkInterface} netns {DpdkNamespace} type veth peer name {PeerInterface} netns {PeerNamespace}");
            foreach (var ns in new[] { DpdkNamespace, PeerNamespace })
            {
                // IPv6 link-local chatter (router solicitations, MLD) would only add noise to the drop counters.
                Run("ip", $"netns exec {ns} sysctl -qw net.ipv6.conf.all.disable_ipv6=1");
                Ip($"-n {ns} link set lo up");
            }
            Ip($"-n {DpdkNamespace} link set {DpdkInterface} up");
            Ip($"-n {PeerNamespace} addr add {peerAddressWithPrefix} dev {PeerInterface}");
            Ip($"-n {PeerNamespace} link set {PeerInterface} up");
            // veth offloads the sender's UDP checksum (CHECKSUM_PARTIAL): the frame af_packet hands to
            // DPDK then carries only the pseudo-header sum. A real NIC computes it; make the peer do so.
            Run("ip", $"netns exec {PeerNamespace} ethtool -K {PeerInterface} tx off");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string DpdkNamespace { get; }

    public string PeerNamespace { get; }

    public string DpdkInterface { get; }

    public string PeerInterface { get; }

    public void Dispose()
    {
        Run("ip", $"netns del {DpdkNamespace}", check: false);
        Run("ip", $"netns del {PeerNamespace}", check: false);
    }

    private static void Ip(string arguments) => Run("ip", arguments);

    private static void Run(string file, string arguments, bool check = true)
    {
        var info = new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(info)!;
        var errors = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (check && process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {errors}");
    }
}

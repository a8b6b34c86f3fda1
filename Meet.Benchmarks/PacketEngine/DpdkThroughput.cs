using System.Diagnostics;
using System.Globalization;

namespace Meet.Benchmarks.PacketEngine;

/// <summary>
/// Packets per second per core for every DPDK vdev in one run, with allocations per packet:
///   dotnet Meet.Benchmarks.dll dpdk-bench [seconds]
/// Each vdev runs in a child process (one EAL per process). af_packet runs inside a network
/// namespace this creates: a veth pair whose far end reflects every frame back (tc mirred), so
/// frames sent to our own address come back through the kernel.
/// </summary>
internal static class DpdkThroughput
{
    public static int Run(string[] args)
    {
        if (args is ["--vdev", var single, var secondsText, ..])
            return Measure(single, double.Parse(secondsText, CultureInfo.InvariantCulture), args.Contains("--no-udp-checksum"));
        var seconds = args.Length > 0 ? args[0] : "3";
        Console.WriteLine("| vdev | UDP checksum | contract: packets/s rx+tx (M) | ns per packet | delivered | B allocated per packet | shim only (M) | contract / shim |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var (vdev, checksum) in new[] { ("net_null0,size=1242", true), ("net_null0,size=1242", false), ("net_ring0", true), ("net_ring0", false) })
            RunChild(null, vdev, seconds, checksum);
        RunAfPacket(seconds);
        return 0;
    }

    private static void RunAfPacket(string seconds)
    {
        var id = Environment.ProcessId % 100000;
        var ns = $"meet-bench-{id}";
        var dpdkEnd = $"mb{id}";
        var mirrorEnd = $"mr{id}";
        try
        {
            Sh($"ip netns add {ns}");
            Sh($"ip -n {ns} link add {dpdkEnd} type veth peer name {mirrorEnd}");
            Sh($"ip netns exec {ns} sysctl -qw net.ipv6.conf.all.disable_ipv6=1");
            Sh($"ip -n {ns} link set {dpdkEnd} up");
            Sh($"ip -n {ns} link set {mirrorEnd} up");
            Sh($"ip netns exec {ns} tc qdisc add dev {mirrorEnd} ingress");
            Sh($"ip netns exec {ns} tc filter add dev {mirrorEnd} parent ffff: protocol all u32 match u32 0 0 action mirred egress redirect dev {mirrorEnd}");
            RunChild(ns, $"net_af_packet0,iface={dpdkEnd}", seconds, true);
        }
        finally
        {
            Sh($"ip netns del {ns}", check: false);
        }
    }

    private static void RunChild(string? ns, string vdev, string seconds, bool udpChecksum)
    {
        var self = typeof(DpdkThroughput).Assembly.Location;
        var dotnet = Environment.ProcessPath ?? "dotnet";
        var command = $"{dotnet} {self} dpdk-bench --vdev {vdev} {seconds}" + (udpChecksum ? "" : " --no-udp-checksum");
        var info = ns is null
            ? new ProcessStartInfo("bash", ["-c", command])
            : new ProcessStartInfo("ip", ["netns", "exec", ns, "bash", "-c", command]);
        info.RedirectStandardOutput = true;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Console.Write(output.Split('\n').Where(l => l.StartsWith('|')).Select(l => l + "\n").FirstOrDefault() ?? $"| {vdev} | failed ({process.ExitCode}) |\n");
    }

    private static int Measure(string vdev, double seconds, bool noChecksum)
    {
        var harness = new DpdkBenchmarkHarness(vdev, udpChecksum: !noChecksum);
        try
        {
            // Contract and floor alternate in slices so machine noise hits both alike.
            double contractSeconds = 0, floorSeconds = 0;
            long contractPackets = 0, floorPackets = 0, sent = 0, received = 0;
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var total = Stopwatch.StartNew();
            var slice = 0;
            while (total.Elapsed.TotalSeconds < seconds)
            {
                var warm = total.Elapsed.TotalSeconds > Math.Min(0.5, seconds / 4);
                var sentBefore = harness.Counters.PacketsOut;
                var receivedBefore = harness.Receiver.Packets;
                var floorSentBefore = harness.FloorSent;
                var floorReceivedBefore = harness.FloorReceived;
                var started = Stopwatch.GetTimestamp();
                for (var i = 0; i < 512; i++)
                {
                    if (slice % 2 == 0)
                        harness.Step();
                    else
                        harness.StepShimOnly();
                }
                var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
                if (warm)
                {
                    if (slice % 2 == 0)
                    {
                        var s = harness.Counters.PacketsOut - sentBefore;
                        var r = harness.Receiver.Packets - receivedBefore;
                        sent += s;
                        received += r;
                        contractPackets += Math.Min(s, r);
                        contractSeconds += elapsed;
                    }
                    else
                    {
                        floorPackets += Math.Min(harness.FloorSent - floorSentBefore, harness.FloorReceived - floorReceivedBefore);
                        floorSeconds += elapsed;
                    }
                }
                slice++;
            }
            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            var contractRate = contractPackets / contractSeconds;
            var floorRate = floorPackets / floorSeconds;
            var name = vdev.Split(',')[0];
            // One "packet" = sent once and received once; only what made both legs counts.
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {(noChecksum ? "off" : "on")} | {contractRate / 1e6:F2} | {1e9 / contractRate:F0} | {(double)received / Math.Max(1, sent):P0} | {(double)allocated / Math.Max(1, contractPackets):F3} | {floorRate / 1e6:F2} | {contractRate / floorRate:F2} |"));
            return 0;
        }
        finally
        {
            harness.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static void Sh(string command, bool check = true)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardError = true })!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (check && process.ExitCode != 0)
            throw new InvalidOperationException($"{command}: {errors}");
    }
}

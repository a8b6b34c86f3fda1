using BenchmarkDotNet.Running;
using Meet.Benchmarks.Fuzzing;
using Meet.Benchmarks.Load;
using Meet.Benchmarks.Meeting;
using Meet.Benchmarks.PacketEngine;
using Meet.Benchmarks.Signaling;
using Meet.Benchmarks.Soak;

namespace Meet.Benchmarks;

internal static class BenchmarkProgram
{
    // Micro-benchmarks: dotnet run -c Release --project Meet.Benchmarks -- --filter '*Srtp*'
    // HTTP load generator: dotnet run -c Release --project Meet.Benchmarks -- load --help
    public static async Task<int> Main(string[] args)
    {
        if (args is ["load", .. var loadArgs])
            return await LoadCommand.RunAsync(loadArgs);
        // Coverage-guided fuzzing (AFL++ + SharpFuzz): fuzz <target|all> --seconds N; fuzz-run is what afl-fuzz starts.
        if (args is ["fuzz", .. var fuzzArgs])
            return await FuzzCommand.RunAsync(fuzzArgs);
        if (args is ["fuzz-run", .. var fuzzRunArgs])
            return FuzzCommand.RunUnderAfl(fuzzRunArgs);
        // AES-GCM paths side by side in one run (issue 14): srtp-gcm [--rounds N]
        if (args is ["srtp-gcm", .. var gcmArgs])
            return Meet.Benchmarks.Protocols.GcmPathComparison.Run(gcmArgs);
        // A meeting with churn for a long time: soak [--minutes 60] [--interval-seconds 30] ...
        if (args is ["soak", .. var soakArgs])
            return await SoakCommand.RunAsync(soakArgs);
        if (args is ["converge", .. var convergeArgs])
            return await ConvergenceCommand.RunAsync(convergeArgs);
        // Whole meetings with real WebRTC participants: dotnet run -c Release --project Meet.Benchmarks -- meeting fanout
        if (args is ["meeting", .. var meetingArgs])
            return await MeetingCommand.RunAsync(meetingArgs);
        // Issue 11: one subscriber's downlink through loss, caps and delay (impair [--seconds 30] [--profiles ...]).
        if (args is ["impair", .. var impairArgs])
            return await Impairment.ImpairCommand.RunAsync(impairArgs);
        // The server of a meeting run, in a process of its own (MeetingServerProcess starts it).
        if (args is ["meeting-server", .. var serverArgs])
            return await MeetingServerProcess.RunChildAsync(serverArgs);
        // Issue 15: media-node crash failover across processes (failover [--rounds 10]).
        if (args is ["failover", .. var failoverArgs])
            return await Cluster.FailoverCommand.RunAsync(failoverArgs);
        // Issue 15: two signaling nodes on Redis: cross-node delivery latency and a node's kill -9.
        if (args is ["signaling-cluster", .. var clusterArgs])
            return await Cluster.SignalingClusterCommand.RunAsync(clusterArgs);
        // Issue 15: the remote IMediaModule's cost per join (signaling + media split vs one node).
        if (args is ["join-cost", .. var joinCostArgs])
            return await Cluster.JoinCostCommand.RunAsync(joinCostArgs);
        // Issue 15: a signaling node and media nodes as processes, driven over stdin (cluster [--media-nodes 2]).
        if (args is ["cluster", .. var clusterRunArgs])
            return await Cluster.ClusterCommand.RunAsync(clusterRunArgs);
        if (args is ["signaling-join", .. var joinArgs])
            return await SignalingJoinCommand.RunAsync(joinArgs);
        // DPDK scenarios need a process each (one EAL per process); Meet.Tests starts them.
        if (args is ["dpdk-selftest", .. var selfTestArgs])
            return DpdkSelfTest.Run(selfTestArgs);
        if (args is ["dpdk-bench", .. var benchArgs])
            return DpdkThroughput.Run(benchArgs);
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
        return 0;
    }
}

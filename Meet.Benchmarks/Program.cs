using BenchmarkDotNet.Running;
using Meet.Benchmarks.Load;
using Meet.Benchmarks.Meeting;
using Meet.Benchmarks.PacketEngine;
using Meet.Benchmarks.Signaling;

namespace Meet.Benchmarks;

internal static class BenchmarkProgram
{
    // Micro-benchmarks: dotnet run -c Release --project Meet.Benchmarks -- --filter '*Srtp*'
    // HTTP load generator: dotnet run -c Release --project Meet.Benchmarks -- load --help
    public static async Task<int> Main(string[] args)
    {
        if (args is ["load", .. var loadArgs])
            return await LoadCommand.RunAsync(loadArgs);
        if (args is ["converge", .. var convergeArgs])
            return await ConvergenceCommand.RunAsync(convergeArgs);
        // Whole meetings with real WebRTC participants: dotnet run -c Release --project Meet.Benchmarks -- meeting fanout
        if (args is ["meeting", .. var meetingArgs])
            return await MeetingCommand.RunAsync(meetingArgs);
        // The server of a meeting run, in a process of its own (MeetingServerProcess starts it).
        if (args is ["meeting-server", .. var serverArgs])
            return await MeetingServerProcess.RunChildAsync(serverArgs);
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

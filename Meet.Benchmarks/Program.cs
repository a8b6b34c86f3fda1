using BenchmarkDotNet.Running;
using Meet.Benchmarks.PacketEngine;

namespace Meet.Benchmarks;

internal static class BenchmarkProgram
{
    // Micro-benchmarks: dotnet run -c Release --project Meet.Benchmarks -- --filter '*Srtp*'
    public static int Main(string[] args)
    {
        // DPDK scenarios need a process each (one EAL per process); Meet.Tests starts them.
        if (args.Length > 0 && args[0] == "dpdk-selftest")
            return DpdkSelfTest.Run(args[1..]);
        if (args.Length > 0 && args[0] == "dpdk-bench")
            return DpdkThroughput.Run(args[1..]);
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
        return 0;
    }
}

using BenchmarkDotNet.Running;

namespace Meet.Benchmarks;

internal static class BenchmarkProgram
{
    // Micro-benchmarks: dotnet run -c Release --project Meet.Benchmarks -- --filter '*Srtp*'
    public static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
}

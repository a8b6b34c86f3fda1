using BenchmarkDotNet.Running;
using Meet.Benchmarks.Load;

namespace Meet.Benchmarks;

internal static class BenchmarkProgram
{
    // Micro-benchmarks: dotnet run -c Release --project Meet.Benchmarks -- --filter '*Srtp*'
    // HTTP load generator: dotnet run -c Release --project Meet.Benchmarks -- load --help
    public static async Task<int> Main(string[] args)
    {
        if (args is ["load", .. var loadArgs])
            return await LoadCommand.RunAsync(loadArgs);
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
        return 0;
    }
}

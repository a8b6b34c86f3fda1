namespace Meet.Benchmarks.PacketEngine;

// The engines the benchmark runs, in table order. Each backend contributes its rows in its own
// partial file (PacketEngineBenchmarkCases.Sockets.cs, PacketEngineBenchmarkCases.Dpdk.cs), so
// adding a backend touches no shared file. The first sockets row is the baseline of every ratio.
public static partial class PacketEngineBenchmarkCases
{
    public const string Baseline = "Sockets plain";

    private static readonly Lazy<IReadOnlyList<PacketEngineBenchmarkCase>> Cases = new(() =>
    {
        var cases = new List<PacketEngineBenchmarkCase>();
        AddSocketsCases(cases);
        AddDpdkCases(cases);
        return cases;
    });

    public static IReadOnlyList<PacketEngineBenchmarkCase> All => Cases.Value;

    public static PacketEngineBenchmarkCase Get(string name) => All.Single(c => c.Name == name);

    static partial void AddSocketsCases(List<PacketEngineBenchmarkCase> cases);

    static partial void AddDpdkCases(List<PacketEngineBenchmarkCase> cases);
}

using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Meet.Benchmarks.PacketEngine;

public sealed class PacketEngineBenchmarkConfig : ManualConfig
{
    public PacketEngineBenchmarkConfig()
    {
        AddColumn(
            new PacketEngineColumn("Mpps", "Datagrams per second on the wall clock (from the median), millions", 0, (s, c) => WallPps(s, c) / 1e6),
            new PacketEngineColumn("vs plain", "Wall-clock rate relative to the plain socket loop, same method", 1,
                (s, c) => WallPps(s, c) / WallPps(s, BaselineOf(s, c))),
            new PacketEngineColumn("Mpps/core", "Datagrams delivered per CPU-second of the whole process (sender, receive loop and their kernel work), millions", 2,
                (s, c) => CpuPps(c) / 1e6),
            new PacketEngineColumn("core vs plain", "Per-core rate relative to the plain socket loop, same method", 3,
                (s, c) => CpuPps(c) / CpuPps(BaselineOf(s, c))),
            new PacketEngineColumn("Delivered", "Send: share of the datagrams sent in the per-core run that the receiver got", 4,
                (s, c) => PacketEngineCpuReport.TryRead(Engine(c), Method(c), out _, out var sent, out var received, out _) && sent > 0
                    ? (double)received / sent
                    : double.NaN),
            new PacketEngineColumn("Lost bursts", "Forward: bursts not fully delivered within 200 ms", 5,
                (s, c) => Method(c) == nameof(PacketEngineBenchmarks.Forward)
                    && PacketEngineCpuReport.TryRead(Engine(c), Method(c), out _, out _, out _, out var lost)
                    ? lost
                    : double.NaN));
    }

    private static string Engine(BenchmarkCase c) =>
        c.Parameters.Items.FirstOrDefault(p => p.Name == nameof(PacketEngineBenchmarks.Engine))?.Value as string ?? "";

    private static string Method(BenchmarkCase c) => c.Descriptor.WorkloadMethod.Name;

    private static double WallPps(Summary summary, BenchmarkCase? c)
    {
        // The median: these machines are shared, and a few preempted iterations skew the mean.
        var median = c is null ? null : summary[c]?.ResultStatistics?.Median;
        return median is > 0 ? 1e9 / median.Value : double.NaN;
    }

    private static double CpuPps(BenchmarkCase? c) =>
        c is not null && PacketEngineCpuReport.TryRead(Engine(c), Method(c), out var cpu, out _, out var received, out _) && cpu > 0
            ? received / cpu
            : double.NaN;

    private static BenchmarkCase? BaselineOf(Summary summary, BenchmarkCase c) =>
        summary.BenchmarksCases.FirstOrDefault(other =>
            Method(other) == Method(c) && Engine(other) == PacketEngineBenchmarkCases.Baseline);

    private sealed class PacketEngineColumn(string name, string legend, int priority, Func<Summary, BenchmarkCase, double> value) : IColumn
    {
        public string Id => "PacketEngine." + name;

        public string ColumnName => name;

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => priority;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => legend;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
            GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var result = value(summary, benchmarkCase);
            return double.IsNaN(result) ? "-" : result.ToString("0.###", CultureInfo.InvariantCulture);
        }

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}

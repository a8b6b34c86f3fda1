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
            new PacketEngineColumn("Mpps/core", "Send: datagrams delivered per CPU-second of the whole process (sender, receive loop and their kernel work), millions", 2,
                (s, c) => Figure(c, f => f.PerCorePps) / 1e6),
            new PacketEngineColumn("core vs plain", "Send: per-core rate relative to the plain socket loop", 3,
                (s, c) => Figure(c, f => f.PerCorePps) / Figure(BaselineOf(s, c), f => f.PerCorePps)),
            new PacketEngineColumn("send us/pkt", "Send: sender-thread CPU per datagram, µs (includes the kernel's loopback receive path, like sendto)", 4,
                (s, c) => Figure(c, f => f.SendMicroseconds)),
            new PacketEngineColumn("rx us/pkt", "Send: CPU of the rest of the process per delivered datagram, µs (the receive loop)", 5,
                (s, c) => Figure(c, f => f.ReceiveMicroseconds)),
            new PacketEngineColumn("Delivered", "Send: share of the datagrams sent in the per-core run that the receiver got", 6,
                (s, c) => Figure(c, f => f.Delivered)),
            new PacketEngineColumn("Lost bursts", "Forward: bursts not fully delivered within 200 ms", 7,
                (s, c) => Method(c) == nameof(PacketEngineBenchmarks.Forward) ? Figure(c, f => f.LostBursts) : double.NaN));
    }

    private static double Figure(BenchmarkCase? c, Func<PacketEngineCpuReport.Figures, double> select) =>
        c is not null && PacketEngineCpuReport.Read(Engine(c), Method(c)) is { } figures ? select(figures) : double.NaN;

    private static string Engine(BenchmarkCase c) =>
        c.Parameters.Items.FirstOrDefault(p => p.Name == nameof(PacketEngineBenchmarks.Engine))?.Value as string ?? "";

    private static string Method(BenchmarkCase c) => c.Descriptor.WorkloadMethod.Name;

    private static double WallPps(Summary summary, BenchmarkCase? c)
    {
        // The median: these machines are shared, and a few preempted iterations skew the mean.
        var median = c is null ? null : summary[c]?.ResultStatistics?.Median;
        return median is > 0 ? 1e9 / median.Value : double.NaN;
    }

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

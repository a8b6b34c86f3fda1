using System.Globalization;

namespace Meet.Benchmarks.PacketEngine;

// BenchmarkDotNet runs each case in its own process; what that process measured about its CPU
// time is handed to the columns in the host process through a small file per case.
internal static class PacketEngineCpuReport
{
    private static readonly string Directory = Path.Combine(Path.GetTempPath(), "meet-packet-engine-benchmark");

    public readonly record struct Figures(double CpuSeconds, double SenderCpuSeconds, long Sent, long Received, long LostBursts)
    {
        public double PerCorePps => CpuSeconds > 0 ? Received / CpuSeconds : double.NaN;

        public double SendMicroseconds => Sent > 0 ? SenderCpuSeconds * 1e6 / Sent : double.NaN;

        public double ReceiveMicroseconds => Received > 0 ? (CpuSeconds - SenderCpuSeconds) * 1e6 / Received : double.NaN;

        public double Delivered => Sent > 0 ? (double)Received / Sent : double.NaN;
    }

    public static void Write(string engine, string method, Figures figures)
    {
        System.IO.Directory.CreateDirectory(Directory);
        File.WriteAllText(PathFor(engine, method), string.Join(' ',
            figures.CpuSeconds.ToString("R", CultureInfo.InvariantCulture),
            figures.SenderCpuSeconds.ToString("R", CultureInfo.InvariantCulture),
            figures.Sent, figures.Received, figures.LostBursts));
    }

    public static Figures? Read(string engine, string method)
    {
        var path = PathFor(engine, method);
        if (!File.Exists(path))
            return null;
        var parts = File.ReadAllText(path).Split(' ');
        if (parts.Length == 5
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var cpu)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var sender)
            && long.TryParse(parts[2], out var sent)
            && long.TryParse(parts[3], out var received)
            && long.TryParse(parts[4], out var lost))
            return new Figures(cpu, sender, sent, received, lost);
        return null;
    }

    private static string PathFor(string engine, string method) =>
        Path.Combine(Directory, $"{engine.Replace(' ', '_')}.{method}.txt");
}

using System.Globalization;

namespace Meet.Benchmarks.PacketEngine;

// BenchmarkDotNet runs each case in its own process; the CPU time that process spent per datagram
// is handed to the columns in the host process through a small file per case.
internal static class PacketEngineCpuReport
{
    private static readonly string Directory = Path.Combine(Path.GetTempPath(), "meet-packet-engine-benchmark");

    public static void Write(string engine, string method, double cpuSeconds, long sent, long received, long lostBursts)
    {
        System.IO.Directory.CreateDirectory(Directory);
        File.WriteAllText(PathFor(engine, method), string.Join(' ',
            cpuSeconds.ToString("R", CultureInfo.InvariantCulture), sent, received, lostBursts));
    }

    public static bool TryRead(string engine, string method, out double cpuSeconds, out long sent, out long received, out long lostBursts)
    {
        cpuSeconds = 0;
        sent = received = lostBursts = 0;
        var path = PathFor(engine, method);
        if (!File.Exists(path))
            return false;
        var parts = File.ReadAllText(path).Split(' ');
        return parts.Length == 4
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out cpuSeconds)
            && long.TryParse(parts[1], out sent)
            && long.TryParse(parts[2], out received)
            && long.TryParse(parts[3], out lostBursts);
    }

    private static string PathFor(string engine, string method) =>
        Path.Combine(Directory, $"{engine.Replace(' ', '_')}.{method}.txt");
}

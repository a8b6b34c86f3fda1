using System.Globalization;

namespace Meet.Benchmarks.Meeting;

// One reading of a process from /proc: CPU (user + kernel), resident memory and thread count. The
// server runs in a child process so its CPU is measured apart from the generator's.
internal readonly record struct ProcessSample(double UserSeconds, double KernelSeconds, long ResidentBytes, int Threads)
{
    // USER_HZ: 100 on every Linux ABI .NET runs on (sysconf(_SC_CLK_TCK)).
    private const double TicksPerSecond = 100;

    public double CpuSeconds => UserSeconds + KernelSeconds;

    public static ProcessSample Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // comm (field 2) may hold spaces: the fields after it start past the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var user = long.Parse(fields[11], CultureInfo.InvariantCulture) / TicksPerSecond;
            var kernel = long.Parse(fields[12], CultureInfo.InvariantCulture) / TicksPerSecond;
            long rss = 0;
            var threads = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    rss = long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                    threads = int.Parse(line[8..].Trim(), CultureInfo.InvariantCulture);
            }
            return new ProcessSample(user, kernel, rss, threads);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return default;
        }
    }
}

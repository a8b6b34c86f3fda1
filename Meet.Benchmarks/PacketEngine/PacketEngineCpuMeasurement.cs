using System.Diagnostics;

namespace Meet.Benchmarks.PacketEngine;

// Per-datagram CPU cost of a send loop, measured outside BenchmarkDotNet's loop (whose overhead
// runs would otherwise count as CPU without datagrams): one second of sending bursts, then the
// receive side is given time to drain.
internal static class PacketEngineCpuMeasurement
{
    public static void Run(string engine, string method, Func<int> sendBurst, Func<long> delivered, TimeSpan duration)
    {
        // Warm up (JIT, socket buffers), then measure.
        for (var i = 0; i < 10_000; i++)
            sendBurst();
        WaitForDrain(delivered);
        var process = Process.GetCurrentProcess();
        var deliveredBefore = delivered();
        var cpuBefore = process.TotalProcessorTime;
        var senderBefore = ThreadCpuSeconds();
        var clock = Stopwatch.StartNew();
        long sent = 0;
        while (clock.Elapsed < duration)
            sent += sendBurst();
        var senderCpu = ThreadCpuSeconds() - senderBefore;
        WaitForDrain(delivered);
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        PacketEngineCpuReport.Write(engine, method, new(cpu.TotalSeconds, senderCpu, sent, delivered() - deliveredBefore, 0));
    }

    // The receive side blocks (no CPU) once idle; wait until deliveries stop.
    public static void WaitForDrain(Func<long> delivered)
    {
        long seen;
        do
        {
            seen = delivered();
            Thread.Sleep(20);
        }
        while (delivered() != seen);
    }

    // CPU time of the calling thread (utime + stime from /proc/thread-self/stat, in USER_HZ ticks).
    // On loopback the sender's thread also runs the kernel's receive path up to the socket queue,
    // exactly as the sendto reference figure does; the rest of the process is the engine's
    // receive side (recvmmsg or ReceiveFrom plus delivery).
    private static double ThreadCpuSeconds()
    {
        if (!File.Exists("/proc/thread-self/stat"))
            return double.NaN;
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // Fields after the command name start at field 3 (state); utime and stime are 14 and 15.
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
    }
}

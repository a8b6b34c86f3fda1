using System.Diagnostics;
using System.Globalization;
using Meet.Modules.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Meet.Benchmarks.Signaling;

// dotnet run -c Release --project Meet.Benchmarks -- signaling-join [--joins 300] [--concurrency 8]
// Join time through the client library against the real host in this process (SQLite, loopback):
// REST join + signaling connect + welcome, per transport; then the leave.
internal static class SignalingJoinCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var joins = InProcessMeetHost.Option(args, "--joins", 300);
        var concurrency = InProcessMeetHost.Option(args, "--concurrency", 8);
        await using var host = await InProcessMeetHost.StartAsync();
        var (baseAddress, grpcAddress) = (host.BaseAddress, host.GrpcAddress);
        Console.WriteLine($"{joins} joins per transport, {concurrency} concurrent, {Environment.ProcessorCount} cores visible");
        Console.WriteLine("| transport | joins/s | join p50 (ms) | join p95 (ms) | join p99 (ms) | errors |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var transport in new[] { SignalingTransport.Grpc, SignalingTransport.SignalR, SignalingTransport.SignalRMessagePack })
        {
            // Warm-up: JIT, connection pools, SQLite.
            await MeasureAsync(baseAddress, grpcAddress, transport, Math.Min(20, joins), concurrency);
            var (latencies, errors, elapsed) = await MeasureAsync(baseAddress, grpcAddress, transport, joins, concurrency);
            latencies.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {transport} | {latencies.Count / elapsed.TotalSeconds:0} | {Percentile(latencies, 0.50):0.0} | {Percentile(latencies, 0.95):0.0} | {Percentile(latencies, 0.99):0.0} | {errors} |"));
        }
        return 0;
    }

    private static async Task<(List<double> Latencies, int Errors, TimeSpan Elapsed)> MeasureAsync(Uri baseAddress, Uri? grpcAddress, SignalingTransport transport, int joins, int concurrency)
    {
        using var http = new HttpClient { BaseAddress = baseAddress };
        var options = new MeetClientOptions { BaseAddress = baseAddress, GrpcAddress = grpcAddress, Transport = transport };
        await using var creator = new MeetClient(options, http);
        var meeting = await creator.CreateMeetingAsync("usr_bench", "Signaling join benchmark");
        var latencies = new List<double>();
        var errors = 0;
        var next = -1;
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < joins)
            {
                await using var client = new MeetClient(options, http);
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await client.JoinAsync(meeting.MeetingId, "Bench", userId: "usr_" + next.ToString(CultureInfo.InvariantCulture));
                    var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    lock (latencies)
                        latencies.Add(ms);
                    await client.LeaveAsync();
                }
                catch (Exception ex) when (ex is SignalingErrorException or HttpRequestException or IOException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        return (latencies, errors, total.Elapsed);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

}

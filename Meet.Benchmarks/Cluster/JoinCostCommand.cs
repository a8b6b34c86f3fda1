using System.Diagnostics;
using System.Globalization;
using Meet.Benchmarks.Load;
using Meet.Benchmarks.Meeting;
using Meet.Modules.Client;

using static Meet.Benchmarks.Cluster.ClusterCommandSupport;

namespace Meet.Benchmarks.Cluster;

// What the remote IMediaModule (issue 15) costs per join, in one run:
//   dotnet run -c Release --project Meet.Benchmarks -- join-cost [--joins 200] [--postgres <connection string>]
// The same joins twice, one after another into one meeting (REST join + gRPC signaling session +
// welcome; the join creates the participant's media on the SFU): against one node doing everything
// (Node:Roles default), then against a signaling-only node with one media-only node (ClusterRun), where
// the media participant is created over the control contract (media_node.proto). Both setups are
// processes on loopback sharing a PostgreSQL. Reported per join: wall time p50/p95 as the client sees
// it, and the server CPU (every server process, from /proc) divided by the joins. Warm-up joins are not
// counted. Prints "join-cost single ..." and "join-cost split ..." lines and their ratio.
internal static class JoinCostCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var joins = Option(args, "--joins", 200);
        var postgresIndex = Array.IndexOf(args, "--postgres");
        await using var ownPostgres = postgresIndex < 0 ? await ThrowawayPostgres.StartAsync() : null;
        var postgres = postgresIndex >= 0 ? args[postgresIndex + 1] : ownPostgres!.ConnectionString;

        Result single;
        await using (var node = await MeetingServerProcess.StartAsync(["--Storage:Provider=Postgres", $"--Storage:PostgresConnectionString={postgres}"], TimeSpan.FromSeconds(60)))
            single = await MeasureAsync(node.BaseAddress, [node.ProcessId], joins);
        Result split;
        await using (var cluster = new ClusterRun(postgres))
        {
            await cluster.StartAsync(mediaNodeCount: 1);
            split = await MeasureAsync(cluster.SignalingAddress, [.. cluster.ProcessIds], joins);
        }
        Print("single", single);
        Print("split", split);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"join-cost split/single: wall_p50 x{split.P50 / single.P50:F2}, cpu_per_join x{split.CpuMsPerJoin / single.CpuMsPerJoin:F2}"));
        return single.Errors + split.Errors == 0 ? 0 : 1;
    }

    private sealed record Result(int Joins, int Errors, double P50, double P95, double CpuMsPerJoin);

    private static async Task<Result> MeasureAsync(Uri baseAddress, int[] serverProcesses, int joins)
    {
        await using var host = new MeetClient(new MeetClientOptions { BaseAddress = baseAddress });
        var meeting = await host.CreateMeetingAsync("usr_cost", "join cost");
        var clients = new List<MeetClient>();
        try
        {
            // Warm-up: JIT, connection pools, the media node's first participant.
            for (var i = 0; i < 10; i++)
                await JoinOneAsync(baseAddress, meeting.MeetingId, clients);
            var cpuBefore = serverProcesses.Sum(pid => ProcessSample.Read(pid).CpuSeconds);
            var latencies = new List<double>(joins);
            var errors = 0;
            for (var i = 0; i < joins; i++)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await JoinOneAsync(baseAddress, meeting.MeetingId, clients);
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (Exception ex) when (ex is SignalingErrorException or HttpRequestException)
                {
                    errors++;
                }
            }
            var cpu = serverProcesses.Sum(pid => ProcessSample.Read(pid).CpuSeconds) - cpuBefore;
            latencies.Sort();
            return new Result(latencies.Count, errors, Percentile(latencies, 0.50), Percentile(latencies, 0.95), latencies.Count == 0 ? 0 : cpu * 1000 / latencies.Count);
        }
        finally
        {
            foreach (var client in clients)
                await client.DisposeAsync();
        }
    }

    private static async Task JoinOneAsync(Uri baseAddress, string meetingId, List<MeetClient> clients)
    {
        var client = new MeetClient(new MeetClientOptions { BaseAddress = baseAddress, Transport = SignalingTransport.Grpc });
        clients.Add(client);
        await client.JoinAsync(meetingId, $"Joiner {clients.Count}");
    }

    private static void Print(string setup, Result result) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"join-cost {setup}: joins={result.Joins} errors={result.Errors} wall_p50_ms={result.P50:F1} wall_p95_ms={result.P95:F1} server_cpu_ms_per_join={result.CpuMsPerJoin:F1}"));
}

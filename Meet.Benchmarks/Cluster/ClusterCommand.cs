using System.Globalization;
using Meet.Benchmarks.Load;

namespace Meet.Benchmarks.Cluster;

// A small cluster for tests and manual runs, driven over standard input (issue 15's Chromium failover
// test kills a media node under a browser this way):
//   dotnet run -c Release --project Meet.Benchmarks -- cluster [--media-nodes 2] [--signaling-nodes 1] [--postgres <connection string>]
// Starts the signaling-only nodes and the media-only nodes (processes on 127.0.0.1, 127.0.0.2, ...; a
// throwaway PostgreSQL unless one is given; with several signaling nodes a throwaway Redis too), prints
// "cluster-ready signaling=<url,url> media=<a,b>", then answers one command per line:
//   node <meetingId>   "node <meetingId> <address>" (the media node hosting the meeting, or "none")
//   kill <address>     SIGKILL that media node (or that signaling node, given its URL); "killed <address>"
//   start <address>    start a media node there again; "started <address>"
//   quit               (or end of input) stops every node and exits
// A command that cannot be done answers "error <text>" and the cluster keeps running.
internal static class ClusterCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var mediaNodes = ClusterCommandSupport.Option(args, "--media-nodes", 2);
        if (mediaNodes is < 1 or > 8)
        {
            Console.Error.WriteLine("--media-nodes must be 1..8");
            return 2;
        }
        var signalingNodes = ClusterCommandSupport.Option(args, "--signaling-nodes", 1);
        if (signalingNodes is < 1 or > 4)
        {
            Console.Error.WriteLine("--signaling-nodes must be 1..4");
            return 2;
        }
        await using var redis = signalingNodes > 1 ? await ThrowawayRedis.StartAsync() : null;
        var postgresIndex = Array.IndexOf(args, "--postgres");
        await using var ownPostgres = postgresIndex < 0 ? await ThrowawayPostgres.StartAsync() : null;
        var connectionString = postgresIndex >= 0 && postgresIndex + 1 < args.Length ? args[postgresIndex + 1] : ownPostgres!.ConnectionString;

        await using var cluster = new ClusterRun(connectionString, redis?.Configuration);
        await cluster.StartAsync(mediaNodes, signalingNodes);
        Console.WriteLine($"cluster-ready signaling={string.Join(',', cluster.SignalingAddresses)} media={string.Join(',', cluster.MediaAddresses)}");
        while (await Console.In.ReadLineAsync() is { } line)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            try
            {
                switch (parts)
                {
                    case ["quit"]:
                        return 0;
                    case ["node", var meetingId]:
                        Console.WriteLine($"node {meetingId} {await FailoverCommand.MediaNodeOfAsync(connectionString, meetingId) ?? "none"}");
                        break;
                    case ["kill", var address]:
                        cluster.Kill(address);
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"killed {address}"));
                        break;
                    case ["start", var address]:
                        await cluster.StartMediaNodeAsync(address);
                        Console.WriteLine($"started {address}");
                        break;
                    case []:
                        break;
                    default:
                        Console.WriteLine($"error unknown command '{line}'");
                        break;
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or Npgsql.NpgsqlException or TimeoutException)
            {
                Console.WriteLine($"error {ex.Message.ReplaceLineEndings(" ")}");
            }
        }
        return 0;
    }
}

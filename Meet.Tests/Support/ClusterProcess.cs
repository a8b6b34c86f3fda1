using System.Globalization;
using Meet.Benchmarks.Processes;

namespace Meet.Tests.Support;

// `Meet.Benchmarks cluster` as a child process (Meet.Benchmarks/Cluster/ClusterCommand.cs): signaling-only
// nodes and media-only nodes on 127.0.0.1, 127.0.0.2, ..., each a process, sharing the given PostgreSQL
// database (and, with several signaling nodes, a Redis the cluster starts); driven with one command per
// line on its standard input.
internal sealed class ClusterProcess : IAsyncDisposable
{
    // Three cold processes, each media node warming up (MediaNodeWarmUp), on a busy 2-core machine.
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(300);
    private static readonly TimeSpan CommandLimit = TimeSpan.FromSeconds(120);

    private readonly ServerChildProcess process;
    private readonly SemaphoreSlim commands = new(1, 1);

    private ClusterProcess(ServerChildProcess process, IReadOnlyList<Uri> signaling, IReadOnlyList<string> mediaAddresses)
    {
        this.process = process;
        SignalingAddresses = signaling;
        MediaAddresses = mediaAddresses;
    }

    public Uri SignalingAddress => SignalingAddresses[0];

    public IReadOnlyList<Uri> SignalingAddresses { get; }

    public IReadOnlyList<string> MediaAddresses { get; }

    // The cluster's own log (every node's standard error), for failure messages.
    public string Log => process.Log;

    // Log lines containing `text`, each with the Stopwatch timestamp at which this process read it (for
    // a failover's timeline; the pipe adds well under a millisecond).
    public IReadOnlyList<(long At, string Line)> LinesContaining(string text) => process.LogLinesContaining(text);

    public static async Task<ClusterProcess> StartAsync(string postgresConnectionString, int mediaNodes = 2, int signalingNodes = 1)
    {
        // The nodes' own logs come through on standard error (kept for failure messages).
        var process = ServerChildProcess.Start(BenchmarksAssembly.DotnetHost,
            [BenchmarksAssembly.Path, "cluster", "--media-nodes", mediaNodes.ToString(CultureInfo.InvariantCulture),
             "--signaling-nodes", signalingNodes.ToString(CultureInfo.InvariantCulture), "--postgres", postgresConnectionString],
            new Dictionary<string, string> { ["MEET_SERVER_LOG"] = "1" });
        try
        {
            var ready = await process.ReadLineAsync("cluster-ready ", StartLimit);
            var fields = ready.Split(' ').Skip(1).Select(f => f.Split('=', 2)).ToDictionary(f => f[0], f => f[1]);
            return new ClusterProcess(process, [.. fields["signaling"].Split(',').Select(u => new Uri(u))], fields["media"].Split(','));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    // The address of the media node hosting the meeting (its connected participants' row), or null.
    public async Task<string?> MediaNodeOfAsync(string meetingId)
    {
        var answer = await CommandAsync($"node {meetingId}", $"node {meetingId} ");
        var address = answer.Split(' ')[^1];
        return address == "none" ? null : address;
    }

    // kill -9 of one media node: no DRAINING, no OFFLINE; its sockets closed by the kernel.
    public Task KillMediaNodeAsync(string address) => CommandAsync($"kill {address}", $"killed {address}");

    // kill -9 of one signaling node (one of SignalingAddresses).
    public Task KillSignalingNodeAsync(Uri address) => CommandAsync($"kill {address}", $"killed {address}");

    // A media node started again at an address (it answers once the node has warmed up and registered).
    public Task StartMediaNodeAsync(string address) => CommandAsync($"start {address}", $"started {address}");

    private async Task<string> CommandAsync(string command, string answerPrefix)
    {
        await commands.WaitAsync();
        try
        {
            await process.WriteLineAsync(command);
            return await process.ReadLineAsync(answerPrefix, CommandLimit, refusal: "error ");
        }
        finally
        {
            commands.Release();
        }
    }

    // End of input stops every node cleanly; a cluster that does not stop is killed with its nodes.
    public async ValueTask DisposeAsync()
    {
        await process.StopAsync(TimeSpan.FromSeconds(30));
        await process.DisposeAsync();
        commands.Dispose();
    }
}

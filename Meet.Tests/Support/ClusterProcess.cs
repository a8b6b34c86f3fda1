using System.Diagnostics;
using System.Text;

namespace Meet.Tests.Support;

// `Meet.Benchmarks cluster` as a child process (Meet.Benchmarks/Cluster/ClusterCommand.cs): one
// signaling-only node and media-only nodes on 127.0.0.1, 127.0.0.2, ..., each a process, sharing the
// given PostgreSQL database; driven with one command per line on its standard input.
internal sealed class ClusterProcess : IAsyncDisposable
{
    // Three cold processes, each media node warming up (MediaNodeWarmUp), on a busy 2-core machine.
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(300);
    private static readonly TimeSpan CommandLimit = TimeSpan.FromSeconds(120);

    private readonly Process process;
    private readonly StringBuilder errors;
    private readonly List<(long At, string Line)> timedLines;
    private readonly SemaphoreSlim commands = new(1, 1);

    private ClusterProcess(Process process, StringBuilder errors, List<(long At, string Line)> timedLines, Uri signaling, IReadOnlyList<string> mediaAddresses)
    {
        this.timedLines = timedLines;
        this.process = process;
        this.errors = errors;
        SignalingAddress = signaling;
        MediaAddresses = mediaAddresses;
    }

    public Uri SignalingAddress { get; }

    public IReadOnlyList<string> MediaAddresses { get; }

    // The cluster's own log (every node's standard error), for failure messages.
    public string Log
    {
        get
        {
            lock (errors)
                return errors.ToString();
        }
    }

    // Log lines containing `text`, each with the Stopwatch timestamp at which this process read it (for
    // a failover's timeline; the pipe adds well under a millisecond).
    public IReadOnlyList<(long At, string Line)> LinesContaining(string text)
    {
        lock (errors)
            return [.. timedLines.Where(l => l.Line.Contains(text, StringComparison.Ordinal))];
    }

    public static async Task<ClusterProcess> StartAsync(string postgresConnectionString, int mediaNodes = 2)
    {
        var start = new ProcessStartInfo(BenchmarksAssembly.DotnetHost)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { BenchmarksAssembly.Path, "cluster", "--media-nodes", mediaNodes.ToString(System.Globalization.CultureInfo.InvariantCulture), "--postgres", postgresConnectionString })
            start.ArgumentList.Add(argument);
        // The nodes' own logs come through on standard error (kept for failure messages).
        start.Environment["MEET_SERVER_LOG"] = "1";
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start Meet.Benchmarks cluster");
        var errors = new StringBuilder();
        var timedLines = new List<(long At, string Line)>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            var at = Stopwatch.GetTimestamp();
            lock (errors)
            {
                errors.AppendLine(e.Data);
                timedLines.Add((at, e.Data));
            }
        };
        process.BeginErrorReadLine();
        try
        {
            var ready = await ReadLineAsync(process, "cluster-ready ", StartLimit, errors);
            var fields = ready.Split(' ').Skip(1).Select(f => f.Split('=', 2)).ToDictionary(f => f[0], f => f[1]);
            return new ClusterProcess(process, errors, timedLines, new Uri(fields["signaling"]), fields["media"].Split(','));
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
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

    // A media node started again at an address (it answers once the node has warmed up and registered).
    public Task StartMediaNodeAsync(string address) => CommandAsync($"start {address}", $"started {address}");

    private async Task<string> CommandAsync(string command, string answerPrefix)
    {
        await commands.WaitAsync();
        try
        {
            await process.StandardInput.WriteLineAsync(command);
            await process.StandardInput.FlushAsync();
            return await ReadLineAsync(process, answerPrefix, CommandLimit, errors);
        }
        finally
        {
            commands.Release();
        }
    }

    private static async Task<string> ReadLineAsync(Process process, string prefix, TimeSpan limit, StringBuilder errors)
    {
        using var cancel = new CancellationTokenSource(limit);
        while (true)
        {
            string? line;
            try
            {
                line = await process.StandardOutput.ReadLineAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"the cluster did not answer '{prefix.Trim()}' within {limit.TotalSeconds:F0} s: {Snapshot(errors)}");
            }
            if (line is null)
                throw new InvalidOperationException($"the cluster exited: {Snapshot(errors)}");
            if (line.StartsWith(prefix, StringComparison.Ordinal))
                return line;
            if (line.StartsWith("error ", StringComparison.Ordinal))
                throw new InvalidOperationException($"the cluster refused: {line}");
        }
    }

    private static string Snapshot(StringBuilder errors)
    {
        lock (errors)
            return errors.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // End of input stops every node cleanly; a cluster that does not stop is killed with its nodes.
            process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(wait.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            process.Kill(entireProcessTree: true);
        }
        process.Dispose();
        commands.Dispose();
    }
}

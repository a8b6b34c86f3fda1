using System.Diagnostics;
using System.Text;

namespace Meet.Benchmarks.Processes;

// A child process that serves until its standard input closes: a Meet server (`Meet.Benchmarks
// meeting-server`, MeetingServerProcess) or a whole cluster (`Meet.Benchmarks cluster`, the tests'
// ClusterProcess; this file is linked into Meet.Tests). It announces readiness and answers commands
// with lines on standard output; its log (standard error) is kept, each line with the Stopwatch
// timestamp it was read at, for failure messages and failover timelines.
internal sealed class ServerChildProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder log = new();
    private readonly List<(long At, string Line)> logLines = [];
    private readonly Action<string>? echo;

    private ServerChildProcess(Process process, Action<string>? echo)
    {
        this.process = process;
        this.echo = echo;
    }

    public int Id => process.Id;

    public string Log
    {
        get
        {
            lock (log)
                return log.ToString();
        }
    }

    // echo: receives every log line (and, after DrainOutput, every output line) as it arrives.
    public static ServerChildProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, Action<string>? echo = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        var child = new ServerChildProcess(Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}"), echo);
        child.process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            var at = Stopwatch.GetTimestamp();
            lock (child.log)
            {
                child.log.AppendLine(e.Data);
                child.logLines.Add((at, e.Data));
            }
            child.echo?.Invoke(e.Data);
        };
        child.process.BeginErrorReadLine();
        return child;
    }

    public IReadOnlyList<(long At, string Line)> LogLinesContaining(string text)
    {
        lock (log)
            return [.. logLines.Where(l => l.Line.Contains(text, StringComparison.Ordinal))];
    }

    // The next output line starting with `prefix` (others are skipped); one starting with `refusal`
    // throws with it. Throws with the log when the process exits or `limit` passes first.
    public async Task<string> ReadLineAsync(string prefix, TimeSpan limit, string? refusal = null)
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
                throw new TimeoutException($"no '{prefix.Trim()}' within {limit.TotalSeconds:F0} s: {Log}");
            }
            if (line is null)
                throw new InvalidOperationException($"the process exited: {Log}");
            if (line.StartsWith(prefix, StringComparison.Ordinal))
                return line;
            if (refusal is not null && line.StartsWith(refusal, StringComparison.Ordinal))
                throw new InvalidOperationException($"refused: {line}");
        }
    }

    // Keeps reading standard output once nothing more is expected from it, so the child never blocks on a full pipe.
    public void DrainOutput() => _ = Task.Run(async () =>
    {
        while (await process.StandardOutput.ReadLineAsync() is { } line)
            echo?.Invoke(line);
    });

    public async Task WriteLineAsync(string line)
    {
        await process.StandardInput.WriteLineAsync(line);
        await process.StandardInput.FlushAsync();
    }

    // SIGKILL of this process alone (a node's crash).
    public void Kill() => process.Kill();

    // Closing standard input asks the child to stop cleanly; one that has not within `limit` is killed with its children.
    public async Task StopAsync(TimeSpan limit)
    {
        try
        {
            process.StandardInput.Close();
            using var wait = new CancellationTokenSource(limit);
            await process.WaitForExitAsync(wait.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(15));
        process.Dispose();
    }
}

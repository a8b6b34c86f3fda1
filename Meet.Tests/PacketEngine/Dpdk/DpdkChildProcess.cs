using System.Diagnostics;
using System.Text.Json;

namespace Meet.Tests.PacketEngine.Dpdk;

/// <summary>
/// Runs one DPDK scenario of <c>Meet.Benchmarks dpdk-selftest</c> in a process of its own — the EAL
/// can be initialised only once per process — and removes its runtime directory afterwards.
/// </summary>
internal sealed class DpdkChildProcess : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly Task<string> _stderr;

    private DpdkChildProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (_lines)
                _lines.Add(e.Data);
        };
        _process.BeginOutputReadLine();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public static string NewPrefix() => $"meet-test-{Environment.ProcessId}-{Guid.NewGuid():N}"[..32];

    /// <summary>Starts the scenario, optionally inside a network namespace (<c>ip netns exec</c>).</summary>
    public static DpdkChildProcess Start(string? networkNamespace, params string[] arguments)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (networkNamespace is not null)
        {
            info.FileName = "ip";
            foreach (var argument in new[] { "netns", "exec", networkNamespace, DotnetHost })
                info.ArgumentList.Add(argument);
        }
        else
        {
            info.FileName = DotnetHost;
        }
        info.ArgumentList.Add(BenchmarksAssembly);
        info.ArgumentList.Add("dpdk-selftest");
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        return new DpdkChildProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start " + info.FileName));
    }

    /// <summary>Runs a scenario to completion and returns its exit code and output.</summary>
    public static DpdkChildResult Run(string? networkNamespace, string prefix, params string[] arguments)
    {
        try
        {
            using var child = Start(networkNamespace, arguments);
            child.CloseInput();
            return child.WaitForExit();
        }
        finally
        {
            RemoveRuntimeDirectory(prefix);
        }
    }

    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Reads stdout up to the line starting with <paramref name="marker"/> (e.g. READY).</summary>
    public string? WaitForLine(string marker, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            lock (_lines)
            {
                var line = _lines.FirstOrDefault(l => l.StartsWith(marker, StringComparison.Ordinal));
                if (line is not null)
                    return line;
            }
            if (_process.HasExited)
                return null;
            Thread.Sleep(20);
        }
        return null;
    }

    public DpdkChildResult WaitForExit()
    {
        if (!_process.WaitForExit(Timeout))
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.WaitForExit(); // drains the asynchronous stdout reader
        lock (_lines)
            return new DpdkChildResult(_process.ExitCode, string.Join('\n', _lines), _stderr.GetAwaiter().GetResult());
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }

    public static void RemoveRuntimeDirectory(string prefix)
    {
        var directory = Path.Combine("/var/run/dpdk", prefix);
        if (Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);
    }

    private static string DotnetHost => Support.BenchmarksAssembly.DotnetHost;

    private static string BenchmarksAssembly => Support.BenchmarksAssembly.Path;
}

internal sealed record DpdkChildResult(int ExitCode, string Output, string Errors)
{
    public JsonElement Result
    {
        get
        {
            var line = Output.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
            if (line is null)
                Assert.Fail($"the DPDK scenario printed no RESULT (exit {ExitCode}).\nstdout:\n{Output}\nstderr:\n{Errors}");
            return JsonDocument.Parse(line!["RESULT ".Length..]).RootElement;
        }
    }

    public string? Error => Output.Split('\n').FirstOrDefault(l => l.StartsWith("ERROR ", StringComparison.Ordinal))?["ERROR ".Length..].Trim();

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Errors}";
}

using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Meet.Tests.Media.Protocols.Dtls;

// Runs the Debian `openssl` binary (s_server / s_client) and captures what it prints.
internal sealed partial class OpenSslProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();

    private OpenSslProcess(Process process)
    {
        _process = process;
    }

    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    public static OpenSslProcess Start(string workingDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo("openssl")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var result = new OpenSslProcess(process);
        process.OutputDataReceived += (_, e) => result.Append(e.Data);
        process.ErrorDataReceived += (_, e) => result.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // stdin stays open: s_server and s_client end the session when it reaches EOF.
        return result;
    }

    // Runs a short openssl command to completion (certificate generation).
    public static void Run(string workingDirectory, params string[] arguments)
    {
        using OpenSslProcess process = Start(workingDirectory, arguments);
        process._process.StandardInput.Close();
        if (!process._process.WaitForExit(TimeSpan.FromSeconds(30)) || process._process.ExitCode != 0)
        {
            throw new InvalidOperationException($"openssl {string.Join(' ', arguments)} failed: {process.Output}");
        }
    }

    public async Task<bool> WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Output.Contains(text, StringComparison.Ordinal))
            {
                return true;
            }

            if (_process.HasExited)
            {
                // Let the asynchronous readers drain what was printed before the exit.
                _process.WaitForExit();
                return Output.Contains(text, StringComparison.Ordinal);
            }

            await Task.Delay(20);
        }

        return false;
    }

    // The hex block openssl prints after "-keymatexport" once the handshake completes.
    public byte[]? ExportedKeyingMaterial()
    {
        Match match = KeyingMaterialPattern().Match(Output);
        return match.Success ? Convert.FromHexString(match.Groups[1].Value) : null;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.AppendLine(line);
        }
    }

    [GeneratedRegex(@"Keying material: ([0-9A-Fa-f]+)")]
    private static partial Regex KeyingMaterialPattern();
}

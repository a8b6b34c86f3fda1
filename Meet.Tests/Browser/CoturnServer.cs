using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Meet.Modules.Media.Protocols.Stun;

namespace Meet.Tests.Browser;

// A real coturn (Debian package) on 127.0.0.1 inside the test namespace, with the shared secret of
// the TURN REST API (use-auth-secret), as a deployment would put it at the network edge
// (shared/TESTING.md). Ready once it answers a STUN binding request.
internal sealed class CoturnServer : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/turnserver";
    public const string Secret = "meet-test-turn-secret-0123456789";

    private const int StartAttempts = 3;
    private const int LogLinesKept = 40;

    private readonly Process process;
    private readonly string directory;
    private readonly ConcurrentQueue<string> log = new();

    private CoturnServer(Process process, string directory, int port)
    {
        this.process = process;
        this.directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string UdpUrl => $"turn:127.0.0.1:{Port}?transport=udp";

    public static async Task<CoturnServer> StartAsync()
    {
        LoopbackOnlyNetwork.Require();
        if (!File.Exists(ExecutablePath))
            Assert.Fail($"{ExecutablePath} is missing: ./test.sh installs Debian's coturn (apt-get install coturn).");
        // A port that something else grabs between our probe and coturn's bind leaves coturn retrying its
        // bind forever without answering, so a start that stays silent is retried on another port.
        var failures = new List<string>();
        for (var attempt = 1; attempt <= StartAttempts; attempt++)
        {
            var server = Launch(FreeListeningPort());
            try
            {
                await server.WaitUntilAnsweringAsync(TimeSpan.FromSeconds(8));
                return server;
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException)
            {
                failures.Add($"attempt {attempt}: {e.Message} Log tail:{Environment.NewLine}{server.LogTail()}");
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
        Assert.Fail(string.Join(Environment.NewLine, failures));
        throw new UnreachableException();
    }

    private static CoturnServer Launch(int port)
    {
        var directory = Directory.CreateTempSubdirectory("meet-coturn-").FullName;
        var start = new ProcessStartInfo(ExecutablePath) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
                 {
                     "-n", "--listening-ip=127.0.0.1", $"--listening-port={port}", "--relay-ip=127.0.0.1",
                     "--min-port=49160", "--max-port=49800", "--use-auth-secret", $"--static-auth-secret={Secret}",
                     "--realm=meet.test", "--no-tls", "--no-dtls", "--allow-loopback-peers", "--no-cli",
                     $"--pidfile={directory}/turn.pid", $"--userdb={directory}/turndb", "--log-file=stdout", "--simple-log",
                 })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        var server = new CoturnServer(process, directory, port);
        process.OutputDataReceived += (_, line) => server.Log(line.Data);
        process.ErrorDataReceived += (_, line) => server.Log(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    private void Log(string? line)
    {
        if (line is null)
            return;
        log.Enqueue(line);
        while (log.Count > LogLinesKept)
            log.TryDequeue(out _);
    }

    private string LogTail() => string.Join(Environment.NewLine, log);

    private async Task WaitUntilAnsweringAsync(TimeSpan timeout)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var request = new byte[64];
        var length = WriteBindingRequest(request);
        var response = new byte[1500];
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"turnserver exited with code {process.ExitCode}.");
            await socket.SendToAsync(request.AsMemory(0, length), new IPEndPoint(IPAddress.Loopback, Port));
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            try
            {
                var received = await socket.ReceiveAsync(response, wait.Token);
                if (IsBindingSuccess(response.AsSpan(0, received)))
                    return;
            }
            catch (OperationCanceledException)
            {
                // Not listening yet.
            }
        }
        throw new TimeoutException($"turnserver did not answer STUN on 127.0.0.1:{Port} within {timeout.TotalSeconds} s.");
    }

    private static int WriteBindingRequest(Span<byte> buffer)
    {
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTransactionId.NewRandom());
        writer.AddFingerprint();
        writer.TryComplete(out var length).Should().BeTrue();
        return length;
    }

    private static bool IsBindingSuccess(ReadOnlySpan<byte> packet) =>
        StunMessage.TryParse(packet, out var message) && message.Type == StunMessageType.BindingSuccessResponse;

    // coturn listens on UDP and TCP at the port and at the port + 1 (its RFC 5780 alternate). The port
    // comes from below the kernel's ephemeral range, so the browsers' and servers' own connections
    // cannot take it after the probe.
    private static int FreeListeningPort()
    {
        for (var tries = 0; tries < 200; tries++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            if (IsFree(port, SocketType.Dgram, ProtocolType.Udp) && IsFree(port + 1, SocketType.Dgram, ProtocolType.Udp)
                && IsFree(port, SocketType.Stream, ProtocolType.Tcp) && IsFree(port + 1, SocketType.Stream, ProtocolType.Tcp))
                return port;
        }
        throw new InvalidOperationException("No free port pair below 32000 for coturn.");
    }

    private static bool IsFree(int port, SocketType type, ProtocolType protocol)
    {
        using var probe = new Socket(AddressFamily.InterNetwork, type, protocol);
        try
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
        Directory.Delete(directory, recursive: true);
    }
}

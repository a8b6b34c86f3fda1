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

    private readonly Process process;
    private readonly string directory;

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
        var directory = Directory.CreateTempSubdirectory("meet-coturn-").FullName;
        var port = FreeUdpPort();
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
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new CoturnServer(process, directory, port);
        try
        {
            await server.WaitUntilAnsweringAsync(TimeSpan.FromSeconds(15));
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

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
                Assert.Fail($"turnserver exited with code {process.ExitCode}.");
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
        Assert.Fail($"turnserver did not answer STUN on 127.0.0.1:{Port} within {timeout.TotalSeconds} s.");
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

    private static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
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

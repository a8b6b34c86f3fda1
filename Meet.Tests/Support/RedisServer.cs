using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Meet.Tests.Support;

// A throwaway redis-server (Debian `redis-server`, shared/TESTING.md) on a free loopback port, no
// persistence, as a child process: a test can stop it (Redis lost mid-meeting) and start it again on the
// same port (Redis back, empty, as after a restart without persistence).
internal sealed class RedisServer : IAsyncDisposable
{
    private const string Binary = "/usr/bin/redis-server";
    private readonly string directory = TempDirectory.Create("meet-redis-");
    private Process? process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        if (!File.Exists(Binary))
            Assert.Fail($"{Binary} is missing: install the Debian package redis-server (test.sh does).");
        var server = new RedisServer(FreePort());
        await server.StartAgainAsync().ConfigureAwait(false);
        return server;
    }

    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--save", "", "--appendonly", "no", "--dir", directory, "--daemonize", "no" })
            start.ArgumentList.Add(argument);
        process = Process.Start(start) ?? throw new InvalidOperationException("could not start redis-server");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = Environment.TickCount64 + 10_000;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port).ConfigureAwait(false);
                return;
            }
            catch (SocketException) when (Environment.TickCount64 < deadline && !process.HasExited)
            {
                await Task.Delay(20).ConfigureAwait(false);
            }
        }
    }

    // SIGKILL: the connections drop at once, nothing is saved.
    public async Task StopAsync()
    {
        if (process is null)
            return;
        process.Kill();
        await process.WaitForExitAsync().ConfigureAwait(false);
        process.Dispose();
        process = null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

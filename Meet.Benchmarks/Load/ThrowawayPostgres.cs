using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Meet.Benchmarks.Load;

// Same recipe as the tests (shared/TESTING.md): initdb as postgres in a temp folder, loopback on a
// free port, durability off (fsync, synchronous_commit) because the numbers measure Meet, not the disk.
internal sealed class ThrowawayPostgres : IAsyncDisposable
{
    private const string PgBin = "/usr/lib/postgresql/15/bin";
    private readonly string root;

    private ThrowawayPostgres(string root, string connectionString)
    {
        this.root = root;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static async Task<ThrowawayPostgres> StartAsync()
    {
        var root = Directory.CreateTempSubdirectory("meet-load-pg-").FullName;
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
        var pg = Path.Combine(root, "pg");
        Directory.CreateDirectory(pg);
        if (Environment.IsPrivilegedProcess)
            await RunAsync("chown", "postgres:postgres", pg);
        await PgAsync("initdb", "-D", Path.Combine(pg, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync");
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        await PgAsync("pg_ctl", "-D", Path.Combine(pg, "data"), "-l", Path.Combine(pg, "log"), "-w", "-t", "30", "-o",
            $"-p {port} -k {pg} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
            "start");
        return new ThrowawayPostgres(root, $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Maximum Pool Size=64");
    }

    public async ValueTask DisposeAsync()
    {
        await PgAsync("pg_ctl", "-D", Path.Combine(root, "pg", "data"), "-m", "immediate", "-w", "stop");
        Directory.Delete(root, recursive: true);
    }

    private static Task PgAsync(string tool, params string[] arguments) =>
        Environment.IsPrivilegedProcess
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(PgBin, tool), .. arguments])
            : RunAsync(Path.Combine(PgBin, tool), arguments);

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} failed: {await stderr}");
    }
}

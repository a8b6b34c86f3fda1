using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Meet.Tests.Support;

// A throwaway PostgreSQL 15 for the test run (recipe in shared/TESTING.md): initdb as user
// postgres into a temp folder, a free loopback port, fsync off, stopped with -m immediate.
// When MEET_TEST_POSTGRES holds a connection string (test.sh starts one), that server is used.
internal sealed class PostgresServer : IAsyncDisposable
{
    private const string PgBin = "/usr/lib/postgresql/15/bin";
    private static readonly SemaphoreSlim StartGate = new(1, 1);
    private static PostgresServer? shared;

    private readonly string? root;

    private PostgresServer(string adminConnectionString, string? root)
    {
        AdminConnectionString = adminConnectionString;
        this.root = root;
    }

    public string AdminConnectionString { get; }

    public static async Task<PostgresServer> SharedAsync()
    {
        await StartGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (shared is null)
            {
                shared = await StartAsync().ConfigureAwait(false);
                TestResources.Register(shared);
            }
            return shared;
        }
        finally
        {
            StartGate.Release();
        }
    }

    // A fresh database per test host, so hosts never share a media_servers registry by accident.
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "meet_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        // The admin string may disable pooling (one-off commands); the host must pool like in production.
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    private static async Task<PostgresServer> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("MEET_TEST_POSTGRES") is { Length: > 0 } external)
            return new PostgresServer(external, root: null);

        var root = Directory.CreateTempSubdirectory("meet-pg-").FullName;
        // initdb refuses to run as root; postgres must be able to reach its folders.
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
        var pg = Path.Combine(root, "pg");
        Directory.CreateDirectory(pg);
        var asRoot = Environment.IsPrivilegedProcess;
        if (asRoot)
            await ProcessRunner.RunAsync("chown", "postgres:postgres", pg).ConfigureAwait(false);

        await Pg(asRoot, "initdb", "-D", Path.Combine(pg, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync").ConfigureAwait(false);
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var port = FreePort();
            try
            {
                await Pg(asRoot, "pg_ctl", "-D", Path.Combine(pg, "data"), "-l", Path.Combine(pg, "log"), "-w", "-t", "30", "-o",
                    $"-p {port} -k {pg} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400",
                    "start").ConfigureAwait(false);
                var admin = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false";
                return new PostgresServer(admin, root);
            }
            catch (InvalidOperationException ex)
            {
                last = ex;
            }
        }
        throw new InvalidOperationException("Could not start PostgreSQL.", last);
    }

    public async ValueTask DisposeAsync()
    {
        if (root is null)
            return;
        try
        {
            await Pg(Environment.IsPrivilegedProcess, "pg_ctl", "-D", Path.Combine(root, "pg", "data"), "-m", "immediate", "-w", "stop").ConfigureAwait(false);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static Task<string> Pg(bool asRoot, string tool, params string[] arguments) =>
        asRoot
            ? ProcessRunner.RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(PgBin, tool), .. arguments])
            : ProcessRunner.RunAsync(Path.Combine(PgBin, tool), arguments);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Meet.Benchmarks.Meeting;
using Npgsql;

namespace Meet.Benchmarks.Cluster;

// A small cluster on loopback, each node a process of its own (MeetingServerProcess): one
// signaling-only node and media-only nodes at 127.0.0.1, 127.0.0.2, ... (every 127/8 address is this
// machine's loopback), sharing one PostgreSQL and one control port. A media node can be killed with
// SIGKILL and started again at the same address.
internal sealed class ClusterRun : IAsyncDisposable
{
    private readonly string postgres;
    private readonly string clusterKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    private readonly int controlPort = FreeTcpPort();
    private readonly Dictionary<string, MeetingServerProcess> mediaNodes = new(StringComparer.Ordinal);
    private MeetingServerProcess? signaling;

    public ClusterRun(string postgresConnectionString) => postgres = postgresConnectionString;

    public Uri SignalingAddress => signaling?.BaseAddress ?? throw new InvalidOperationException("not started");

    public IReadOnlyCollection<string> MediaAddresses => mediaNodes.Keys;

    // The signaling node and then every media node, for CPU readings (ProcessSample).
    public IEnumerable<int> ProcessIds => mediaNodes.Values.Select(n => n.ProcessId).Prepend(signaling?.ProcessId ?? throw new InvalidOperationException("not started"));

    private IEnumerable<string> Common(string roles) =>
    [
        $"--Node:Roles={roles}",
        $"--Node:ControlPort={controlPort}",
        $"--Node:ClusterKey={clusterKey}",
        "--Node:Region=cluster",
        "--Storage:Provider=Postgres",
        $"--Storage:PostgresConnectionString={postgres}",
    ];

    // The signaling node first: it runs the migrations the media nodes' registry rows need.
    public async Task StartAsync(int mediaNodeCount)
    {
        signaling = await MeetingServerProcess.StartAsync(Common("signaling"), TimeSpan.FromSeconds(120));
        for (var i = 1; i <= mediaNodeCount; i++)
            await StartMediaNodeAsync($"127.0.0.{i}");
    }

    // Returns once the node is in the registry: a media-only node warms up (MediaNodeWarmUp) after its
    // server is ready and registers only then, and a node not yet registered gets no meeting.
    public async Task StartMediaNodeAsync(string address)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var node = await MeetingServerProcess.StartAsync([.. Common("media"), $"--Node:PublicIp={address}", $"--Media:BindAddress={address}"], TimeSpan.FromSeconds(120));
        mediaNodes[address] = node;
        var deadline = Stopwatch.GetTimestamp() + 60 * Stopwatch.Frequency;
        while (!await RegisteredSinceAsync(address, startedAt))
        {
            if (Stopwatch.GetTimestamp() > deadline)
                throw new InvalidOperationException($"the media node at {address} did not register within 60 s");
            await Task.Delay(50);
        }
    }

    private async Task<bool> RegisteredSinceAsync(string address, DateTimeOffset since)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM media_servers WHERE ip_address = @a AND server_status = 'ONLINE' AND last_heartbeat_at >= @since", connection);
        command.Parameters.AddWithValue("a", address);
        command.Parameters.AddWithValue("since", since.UtcDateTime);
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }

    // kill -9: no DRAINING, no OFFLINE, sockets closed by the kernel.
    public void Kill(string address)
    {
        if (!mediaNodes.Remove(address, out var node))
            throw new InvalidOperationException($"no media node at {address}");
        using (var process = Process.GetProcessById(node.ProcessId))
            process.Kill();
        _ = node.DisposeAsync().AsTask();
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in mediaNodes.Values)
            await node.DisposeAsync();
        mediaNodes.Clear();
        if (signaling is not null)
            await signaling.DisposeAsync();
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Meet.Benchmarks.Meeting;
using Npgsql;

namespace Meet.Benchmarks.Cluster;

// A small cluster on loopback, each node a process of its own (MeetingServerProcess): signaling-only
// nodes and media-only nodes at 127.0.0.1, 127.0.0.2, ... (every 127/8 address is this machine's
// loopback), sharing one PostgreSQL and one control port; several signaling nodes also share a Redis
// and a signing key, and each lists the others as Node:SignalingFallbacks. A media node can be killed
// with SIGKILL and started again at the same address; a signaling node can be killed.
internal sealed class ClusterRun : IAsyncDisposable
{
    private readonly string postgres;
    private readonly string? redis;
    private readonly string clusterKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    private readonly string signingKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
    private readonly int controlPort = FreeTcpPort();
    private readonly Dictionary<string, MeetingServerProcess> mediaNodes = new(StringComparer.Ordinal);
    private readonly List<MeetingServerProcess> signalingNodes = [];

    // redis: needed for more than one signaling node.
    public ClusterRun(string postgresConnectionString, string? redisConfiguration = null)
    {
        postgres = postgresConnectionString;
        redis = redisConfiguration;
    }

    public Uri SignalingAddress => signalingNodes.FirstOrDefault()?.BaseAddress ?? throw new InvalidOperationException("not started");

    public IReadOnlyList<Uri> SignalingAddresses => [.. signalingNodes.Select(n => n.BaseAddress)];

    public IReadOnlyCollection<string> MediaAddresses => mediaNodes.Keys;

    // The signaling nodes and then every media node, for CPU readings (ProcessSample).
    public IEnumerable<int> ProcessIds => signalingNodes.Count == 0 ? throw new InvalidOperationException("not started")
        : signalingNodes.Select(n => n.ProcessId).Concat(mediaNodes.Values.Select(n => n.ProcessId));

    private IEnumerable<string> Common(string roles) =>
    [
        $"--Node:Roles={roles}",
        $"--Node:ControlPort={controlPort}",
        $"--Node:ClusterKey={clusterKey}",
        "--Node:Region=cluster",
        "--Storage:Provider=Postgres",
        $"--Storage:PostgresConnectionString={postgres}",
    ];

    // The signaling nodes first: the first runs the migrations the media nodes' registry rows need.
    public async Task StartAsync(int mediaNodeCount, int signalingNodeCount = 1)
    {
        if (signalingNodeCount > 1 && redis is null)
            throw new InvalidOperationException("several signaling nodes need a Redis");
        // Fixed ports, known before any node starts, so each node can name the others as fallbacks.
        var urls = Enumerable.Range(0, signalingNodeCount).Select(_ => $"http://127.0.0.1:{FreeTcpPort()}").ToArray();
        foreach (var url in urls)
        {
            IEnumerable<string> arguments = [.. Common("signaling"), $"--urls={url}"];
            if (signalingNodeCount > 1)
                arguments = [.. arguments, $"--Redis:Configuration={redis}", $"--Auth:SigningKey={signingKey}",
                    .. urls.Where(u => u != url).Select((u, i) => $"--Node:SignalingFallbacks:{i}={u}")];
            signalingNodes.Add(await MeetingServerProcess.StartAsync(arguments, TimeSpan.FromSeconds(120)));
        }
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

    // kill -9: no DRAINING, no OFFLINE, sockets closed by the kernel. `address`: a media node's address
    // or a signaling node's base URL.
    public void Kill(string address)
    {
        var signaling = signalingNodes.FirstOrDefault(n => n.BaseAddress.ToString().TrimEnd('/') == address.TrimEnd('/'));
        if (signaling is not null)
            signalingNodes.Remove(signaling);
        MeetingServerProcess? node = signaling;
        if (node is null && !mediaNodes.Remove(address, out node))
            throw new InvalidOperationException($"no node at {address}");
        node.Kill();
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
        foreach (var node in signalingNodes)
            await node.DisposeAsync();
        signalingNodes.Clear();
    }
}

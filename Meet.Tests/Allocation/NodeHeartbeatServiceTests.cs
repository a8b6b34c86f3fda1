using Meet.Modules.Allocation;
using Meet.Modules.Allocation.Internal;
using Meet.Modules.Storage;
using Meet.Modules.Storage.Internal;
using Meet.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Meet.Tests.Allocation;

public sealed class NodeHeartbeatServiceTests
{
    private SqlDatabase database = null!;
    private MediaServerRepository servers = null!;
    private ScriptedLoad load = null!;
    private LocalMediaNode localNode = null!;

    [SetUp]
    public async Task CreateDatabaseAsync()
    {
        database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        servers = new MediaServerRepository(database);
        load = new ScriptedLoad();
        localNode = new LocalMediaNode();
    }

    [TearDown]
    public async Task DisposeDatabaseAsync() => await database.DisposeAsync();

    private NodeHeartbeatService Service(TimeSpan drainTimeout, MediaNodeReadiness? readiness = null) => new(servers, load, localNode,
        readiness ?? new MediaNodeReadiness(warmsUp: false),
        Options.Create(new NodeOptions { PublicIp = "192.0.2.10", Region = "eu-central", HeartbeatInterval = TimeSpan.FromMilliseconds(50), DrainTimeout = drainTimeout }),
        TimeProvider.System, NullLogger<NodeHeartbeatService>.Instance);

    private async Task<MediaServer> WaitForAsync(Func<MediaServer, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var server = await servers.FindAsync(localNode.ServerId!.Value, CancellationToken.None);
            if (condition(server!) || DateTime.UtcNow > deadline)
                return server!;
            await Task.Delay(20);
        }
    }

    [Test]
    public async Task A_node_that_warms_up_registers_only_once_it_is_warm()
    {
        var readiness = new MediaNodeReadiness(warmsUp: true);
        using var service = Service(TimeSpan.Zero, readiness);

        await service.StartAsync(CancellationToken.None);
        await Task.Delay(200);

        localNode.ServerId.Should().BeNull("a node still warming up must not be chosen for meetings");
        (await servers.FindLeastLoadedAsync(null, DateTimeOffset.UtcNow.AddMinutes(-1), CancellationToken.None)).Should().BeNull();
        readiness.MarkReady(warmedUp: true);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (localNode.ServerId is null && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        localNode.ServerId.Should().NotBeNull();
        (await WaitForAsync(s => s.Status == MediaServerStatus.Online)).IpAddress.Should().Be("192.0.2.10");
        await service.StopAsync(CancellationToken.None);
    }

    [Test]
    public async Task Start_registers_the_node_online_with_its_address_and_region()
    {
        using var service = Service(TimeSpan.Zero);

        await service.StartAsync(CancellationToken.None);

        var server = await servers.FindAsync(localNode.ServerId!.Value, CancellationToken.None);
        server!.IpAddress.Should().Be("192.0.2.10");
        server.Region.Should().Be("eu-central");
        server.Status.Should().Be(MediaServerStatus.Online);
        await service.StopAsync(CancellationToken.None);
    }

    [Test]
    public async Task Heartbeats_write_the_sampled_load_and_a_newer_timestamp()
    {
        using var service = Service(TimeSpan.Zero);
        await service.StartAsync(CancellationToken.None);
        var registered = await servers.FindAsync(localNode.ServerId!.Value, CancellationToken.None);

        load.Current = new MediaServerLoad(3, 120, 42.5m);
        var beat = await WaitForAsync(s => s.ActiveConnections == 3);

        beat.EgressMbps.Should().Be(120);
        beat.CpuUtilization.Should().Be(42.5m);
        beat.LastHeartbeatAt.Should().BeAfter(registered!.LastHeartbeatAt);
        await service.StopAsync(CancellationToken.None);
    }

    [Test]
    public async Task Graceful_stop_drains_while_participants_are_connected_then_goes_offline()
    {
        using var service = Service(TimeSpan.FromSeconds(30));
        await service.StartAsync(CancellationToken.None);
        load.Current = new MediaServerLoad(2, 0, 0);

        var stopping = service.StopAsync(CancellationToken.None);
        var draining = await WaitForAsync(s => s.Status == MediaServerStatus.Draining);
        load.Current = new MediaServerLoad(0, 0, 0);
        await stopping;

        draining.Status.Should().Be(MediaServerStatus.Draining);
        (await servers.FindAsync(localNode.ServerId!.Value, CancellationToken.None))!.Status.Should().Be(MediaServerStatus.Offline);
    }

    [Test]
    public async Task Restarted_node_registers_under_its_previous_server_id_and_is_online_again()
    {
        Guid first;
        using (var service = Service(TimeSpan.Zero))
        {
            await service.StartAsync(CancellationToken.None);
            first = localNode.ServerId!.Value;
            await service.StopAsync(CancellationToken.None);
        }

        using var restarted = Service(TimeSpan.Zero);
        await restarted.StartAsync(CancellationToken.None);

        localNode.ServerId.Should().Be(first);
        (await servers.FindAsync(first, CancellationToken.None))!.Status.Should().Be(MediaServerStatus.Online);
        await restarted.StopAsync(CancellationToken.None);
    }

    private sealed class ScriptedLoad : INodeLoadSource
    {
        public volatile object? Boxed;

        public MediaServerLoad Current
        {
            get => Boxed is MediaServerLoad value ? value : default;
            set => Boxed = value;
        }

        public ValueTask<MediaServerLoad> SampleAsync(Guid serverId, CancellationToken cancellationToken) => ValueTask.FromResult(Current);
    }
}

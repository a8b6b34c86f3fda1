using Dapper;
using Meet.Modules.Allocation;
using Meet.Modules.Allocation.Internal;
using Meet.Modules.Storage;
using Meet.Modules.Storage.Internal;
using Meet.Tests.Support;
using Microsoft.Extensions.Options;

namespace Meet.Tests.Allocation;

[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.Postgres)]
public sealed class MediaNodeAllocatorTests(StorageProvider provider)
{
    private static readonly DateTimeOffset Now = new(2026, 6, 7, 12, 0, 0, TimeSpan.Zero);
    private ManualClock clock = null!;
    private SqlDatabase database = null!;
    private MediaNodeAllocator allocator = null!;

    [SetUp]
    public async Task CreateDatabaseAsync()
    {
        clock = new ManualClock(Now);
        database = await TestDatabase.CreateAsync(provider);
        allocator = new MediaNodeAllocator(new MediaServerRepository(database), new ParticipantRepository(database), Options.Create(new NodeOptions { Region = "eu-west" }), clock);
    }

    [TearDown]
    public async Task DisposeDatabaseAsync() => await database.DisposeAsync();

    private async Task<Guid> SeedAsync(string ip, string region, string status, int connections, TimeSpan heartbeatAge)
    {
        var id = Guid.NewGuid();
        await database.WriteAsync(c => c.ExecuteAsync("""
            INSERT INTO media_servers (server_id, ip_address, datacenter_region, server_status, active_connections_count, last_heartbeat_at, created_at)
            VALUES (@Id, @Ip, @Region, @Status, @Connections, @Heartbeat, @Heartbeat)
            """, new { Id = database.Id(id), Ip = ip, Region = region, Status = status, Connections = connections, Heartbeat = database.Timestamp(Now - heartbeatAge) }),
            CancellationToken.None);
        return id;
    }

    [Test]
    public async Task Least_loaded_online_fresh_server_of_the_region_is_picked()
    {
        await SeedAsync("10.0.0.1", "eu-west", "ONLINE", 50, TimeSpan.FromMilliseconds(100));
        var expected = await SeedAsync("10.0.0.2", "eu-west", "ONLINE", 7, TimeSpan.FromMilliseconds(400));
        await SeedAsync("10.0.0.3", "eu-west", "ONLINE", 0, TimeSpan.FromSeconds(2.5));   // stale
        await SeedAsync("10.0.0.4", "eu-west", "DRAINING", 0, TimeSpan.FromMilliseconds(100));
        await SeedAsync("10.0.0.5", "eu-west", "OFFLINE", 0, TimeSpan.FromMilliseconds(100));
        await SeedAsync("10.0.0.6", "us-east", "ONLINE", 1, TimeSpan.FromMilliseconds(100)); // other region, lighter

        var picked = await allocator.AllocateAsync("eu-west", CancellationToken.None);

        picked!.ServerId.Should().Be(expected);
        picked.IpAddress.Should().Be("10.0.0.2");
        picked.ActiveConnections.Should().Be(7);
    }

    [Test]
    public async Task Node_region_is_used_when_the_caller_names_none()
    {
        await SeedAsync("10.0.0.6", "us-east", "ONLINE", 0, TimeSpan.Zero);
        var expected = await SeedAsync("10.0.0.2", "eu-west", "ONLINE", 9, TimeSpan.Zero);

        (await allocator.AllocateAsync(null, CancellationToken.None))!.ServerId.Should().Be(expected);
    }

    [Test]
    public async Task Another_region_is_used_when_the_callers_region_has_no_usable_server()
    {
        await SeedAsync("10.0.0.3", "ap-south", "ONLINE", 0, TimeSpan.FromSeconds(3));      // stale
        await SeedAsync("10.0.0.4", "ap-south", "DRAINING", 0, TimeSpan.Zero);
        await SeedAsync("10.0.0.5", "us-east", "ONLINE", 12, TimeSpan.Zero);
        var expected = await SeedAsync("10.0.0.6", "eu-west", "ONLINE", 3, TimeSpan.Zero);

        (await allocator.AllocateAsync("ap-south", CancellationToken.None))!.ServerId.Should().Be(expected);
    }

    [Test]
    public async Task Nothing_is_picked_when_every_server_is_stale_draining_or_offline()
    {
        await SeedAsync("10.0.0.1", "eu-west", "ONLINE", 0, TimeSpan.FromSeconds(2.001));
        await SeedAsync("10.0.0.2", "eu-west", "DRAINING", 0, TimeSpan.Zero);
        await SeedAsync("10.0.0.3", "us-east", "OFFLINE", 0, TimeSpan.Zero);

        (await allocator.AllocateAsync("eu-west", CancellationToken.None)).Should().BeNull();
    }

    [Test]
    public async Task A_server_becomes_unpickable_two_seconds_after_its_last_heartbeat()
    {
        var id = await SeedAsync("10.0.0.1", "eu-west", "ONLINE", 0, TimeSpan.Zero);

        clock.Advance(TimeSpan.FromMilliseconds(1900));
        (await allocator.AllocateAsync("eu-west", CancellationToken.None))!.ServerId.Should().Be(id);
        clock.Advance(TimeSpan.FromMilliseconds(200));
        (await allocator.AllocateAsync("eu-west", CancellationToken.None)).Should().BeNull();
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Meet.Modules.Signaling.Internal.Cluster;
using Meet.Modules.Storage;
using Meet.Modules.Storage.Internal;
using Meet.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Meet.Tests.Signaling.Cluster;

// Issue 15: meeting events travel on one Redis channel per meeting, and a node receives only the
// meetings it follows (those it holds members of), in publish order; leaving a meeting's channel stops
// its events. Against a real Redis, two fanouts standing for two signaling nodes.
[NonParallelizable]
public sealed class RedisMeetingFanoutTests
{
    private RedisServer redis = null!;
    private RedisConnection connection = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        redis = await RedisServer.StartAsync();
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        connection = new RedisConnection(Options.Create(new RedisOptions { Configuration = redis.Configuration }), meters, NullLogger<RedisConnection>.Instance);
        await connection.ConnectAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        connection.Dispose();
        await redis.DisposeAsync();
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task A_node_receives_only_the_meetings_it_follows_in_publish_order(CancellationToken cancellationToken)
    {
        var nodeA = new RedisMeetingFanout(connection, NullLogger<RedisMeetingFanout>.Instance);
        var nodeB = new RedisMeetingFanout(connection, NullLogger<RedisMeetingFanout>.Instance);
        var receivedByA = new ConcurrentQueue<MeetingEvent>();
        nodeA.Received += e =>
        {
            receivedByA.Enqueue(e);
            return Task.CompletedTask;
        };
        await nodeA.StartAsync(cancellationToken);
        await nodeB.StartAsync(cancellationToken);
        var followed = "mtg-" + Guid.NewGuid().ToString("N")[..8];
        var other = "mtg-" + Guid.NewGuid().ToString("N")[..8];

        await nodeA.FollowAsync(followed);
        nodeA.FollowedMeetings.Should().Equal(followed);
        for (var i = 0; i < 20; i++)
        {
            nodeB.Publish(new MeetingEvent(MeetingEventKind.Chat, other, nodeB.NodeId) { SentAtMs = i });
            nodeB.Publish(new MeetingEvent(MeetingEventKind.Chat, followed, nodeB.NodeId) { SentAtMs = i });
        }
        await WaitAsync(() => receivedByA.Count >= 20, cancellationToken);
        await Task.Delay(200, cancellationToken);

        receivedByA.Select(e => e.MeetingId).Should().AllBe(followed, "node A follows no other meeting");
        receivedByA.Select(e => e.SentAtMs).Should().Equal(Enumerable.Range(0, 20).Select(i => (long)i), "one meeting's events arrive in publish order");

        // Node A's last member of the meeting left: the round follows nothing, and the meeting's events stop.
        await nodeA.FollowOnlyAsync([]);
        nodeA.FollowedMeetings.Should().BeEmpty();
        receivedByA.Clear();
        nodeB.Publish(new MeetingEvent(MeetingEventKind.Chat, followed, nodeB.NodeId));
        await Task.Delay(300, cancellationToken);
        receivedByA.Should().BeEmpty();

        await nodeA.StopAsync(cancellationToken);
        await nodeB.StopAsync(cancellationToken);
    }

    private static async Task WaitAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
            await Task.Delay(20, cancellationToken);
    }
}

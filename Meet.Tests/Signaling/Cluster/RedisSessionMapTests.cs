using Meet.Modules.Signaling;
using Meet.Modules.Signaling.Internal.Cluster;
using Meet.Modules.Storage;
using Meet.Modules.Storage.Internal;
using Meet.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using System.Diagnostics.Metrics;

namespace Meet.Tests.Signaling.Cluster;

// The session map's ownership rules against a real Redis: a node that lost a participant to another
// node can neither overwrite nor delete the new owner's entry, malformed values are skipped, node
// liveness follows the beats, and an unreachable Redis is counted and answered as "unknown".
[NonParallelizable]
public sealed class RedisSessionMapTests
{
    private const string NodeA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string NodeB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private RedisServer redis = null!;
    private RedisConnection connection = null!;
    private RedisSessionMap map = null!;
    private string meetingId = "";

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        redis = await RedisServer.StartAsync();
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        connection = new RedisConnection(Options.Create(new RedisOptions { Configuration = redis.Configuration }), meters, NullLogger<RedisConnection>.Instance);
        await connection.ConnectAsync();
        map = new RedisSessionMap(connection);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        connection.Dispose();
        await redis.DisposeAsync();
    }

    [SetUp]
    public void NewMeeting() => meetingId = "mtg-" + Guid.NewGuid().ToString("N")[..8];

    private static SessionMapEntry Entry(string node, string participantId, bool audioMuted = false) =>
        new(node, null, new ParticipantInfo(participantId, "Name " + participantId, audioMuted, false, false));

    [Test]
    public async Task Only_the_owning_node_releases_or_updates_an_entry()
    {
        await map.ClaimAsync(meetingId, Entry(NodeA, "p1"));
        // The participant reconnected through node B: B claims it.
        await map.ClaimAsync(meetingId, Entry(NodeB, "p1"));

        (await map.ReleaseAsync(meetingId, "p1", NodeA)).Should().BeFalse("node A lost the participant to node B");
        map.Update(meetingId, Entry(NodeA, "p1", audioMuted: true));
        await Task.Delay(100);
        var entries = await map.ReadAsync(meetingId);
        entries!["p1"].SignalingNodeId.Should().Be(NodeB);
        entries["p1"].Info.AudioMuted.Should().BeFalse("node A's late update must not overwrite node B's entry");

        map.Update(meetingId, Entry(NodeB, "p1", audioMuted: true));
        await Task.Delay(100);
        (await map.ReadAsync(meetingId))!["p1"].Info.AudioMuted.Should().BeTrue();
        (await map.ReleaseAsync(meetingId, "p1", NodeB)).Should().BeTrue();
        (await map.ReadAsync(meetingId)).Should().BeEmpty();
    }

    [Test]
    public async Task Malformed_values_are_skipped()
    {
        await map.ClaimAsync(meetingId, Entry(NodeA, "p1"));
        var database = connection.Multiplexer.GetDatabase();
        await database.HashSetAsync(connection.Key($"meeting:{meetingId}:sessions"), [new("p2", "garbage"), new("p3", NodeA + " {not json"), new("p4", NodeA + " " + "{\"SignalingNodeId\":\"x\",\"Info\":{\"ParticipantId\":\"someone-else\",\"DisplayName\":\"x\",\"AudioMuted\":false,\"VideoMuted\":false,\"HandRaised\":false}}")]);

        var entries = await map.ReadAsync(meetingId);

        entries!.Keys.Should().Equal("p1");
    }

    [Test]
    public async Task A_node_is_live_while_it_beats()
    {
        await map.BeatAsync(NodeA, TimeSpan.FromSeconds(30));

        var live = await map.LiveNodesAsync([NodeA, NodeB]);

        live.Should().BeEquivalentTo([NodeA]);
    }

    [Test]
    public async Task An_unreachable_Redis_is_counted_and_answered_as_unknown()
    {
        await redis.StopAsync();
        try
        {
            var before = connection.Errors;

            (await map.ReadAsync(meetingId)).Should().BeNull();
            (await map.LiveNodesAsync([NodeA])).Should().BeNull();
            (await map.ReleaseAsync(meetingId, "p1", NodeA)).Should().BeFalse();
            await map.ClaimAsync(meetingId, Entry(NodeA, "p1"));

            connection.Errors.Should().BeGreaterThanOrEqualTo(before + 4);
        }
        finally
        {
            await redis.StartAgainAsync();
        }
        await SignalingTestBase.EventuallyAsync(() => connection.Multiplexer.IsConnected, "the connection came back", 30_000);
        await map.ClaimAsync(meetingId, Entry(NodeA, "p1"));
        (await map.ReadAsync(meetingId))!.Keys.Should().Equal("p1");
    }
}

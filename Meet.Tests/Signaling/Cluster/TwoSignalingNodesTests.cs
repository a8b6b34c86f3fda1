using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Meet.Modules.Client;
using Meet.Modules.Media;
using Meet.Modules.Signaling;
using Meet.Modules.Signaling.Internal;
using Meet.Modules.Storage;
using Meet.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Meet.Tests.Signaling.Cluster;

// Issue 15: two signaling nodes sharing a real PostgreSQL database and a real Redis (both started by the
// test run), no proxy between them and the clients. The nodes are two hosts in this test process (the
// kill -9 of a node, which needs processes, is SignalingClusterCommandTests). Each node has its own fake
// media module, so what a host action did to the SFU is read from the node holding the participant.
// Alice (the host) talks SignalR to node A, Bob gRPC to node B.
[NonParallelizable]
public sealed class TwoSignalingNodesTests
{
    private RedisServer redis = null!;
    private string database = "";
    private readonly List<IAsyncDisposable> owned = [];

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        redis = await RedisServer.StartAsync();
        database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await redis.DisposeAsync();

    [TearDown]
    public async Task DisposeOwnedAsync()
    {
        foreach (var item in Enumerable.Reverse(owned))
            await item.DisposeAsync();
        owned.Clear();
    }

    private sealed record Node(MeetTestHost Host, FakeMediaModule Media)
    {
        public Uri GrpcAddress => Host.Get<GrpcEndpoint>().Address!;

        public IRedisConnection Redis => Host.Get<IRedisConnection>();
    }

    private async Task<Node> StartNodeAsync(string? redisConfiguration = null)
    {
        var media = new FakeMediaModule();
        var host = await MeetTestHost.StartAsync(
            StorageProvider.Postgres,
            settings: new Dictionary<string, string>
            {
                ["Storage:PostgresConnectionString"] = database,
                ["Redis:Configuration"] = redisConfiguration ?? redis.Configuration,
                ["Redis:ConnectTimeout"] = "00:00:02",
                ["Signaling:RosterBatchDelay"] = "00:00:00.020",
            },
            services: s => s.Replace(ServiceDescriptor.Singleton<IMediaModule>(media)));
        var node = new Node(host, media);
        owned.Add(host);
        return node;
    }

    private MeetClient NewClient(Node node, SignalingTransport transport)
    {
        var client = new MeetClient(new MeetClientOptions
        {
            BaseAddress = node.Host.BaseAddress,
            GrpcAddress = node.GrpcAddress,
            Transport = transport,
            Reconnect = new ReconnectBackoff(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(500), 0.3, 10),
        });
        owned.Add(client);
        return client;
    }

    private sealed record Call(string MeetingId, Node A, Node B, MeetClient Alice, MeetClient Bob);

    private async Task<Call> StartCallAsync()
    {
        var a = await StartNodeAsync();
        var b = await StartNodeAsync();
        var alice = NewClient(a, SignalingTransport.SignalR);
        var created = await alice.CreateMeetingAsync("usr_alice", "Two nodes");
        await alice.JoinAsync(created.MeetingId, "Alice", token: created.AccessToken);
        var bob = NewClient(b, SignalingTransport.Grpc);
        await bob.JoinAsync(created.MeetingId, "Bob");
        await EventuallyAsync(() => alice.Participants.Count == 1 && bob.Participants.Count == 1, "each sees the other in the roster");
        return new Call(created.MeetingId, a, b, alice, bob);
    }

    private static ConcurrentQueue<ChatMessage> ChatsOf(MeetClient client)
    {
        var received = new ConcurrentQueue<ChatMessage>();
        client.ChatReceived += received.Enqueue;
        return received;
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task Participants_on_different_nodes_see_each_others_roster_and_chat_and_a_late_joiner_gets_the_history()
    {
        var call = await StartCallAsync();
        call.Alice.Participants.Values.Single().DisplayName.Should().Be("Bob");
        call.Bob.Participants.Values.Single().DisplayName.Should().Be("Alice");
        var aliceChats = ChatsOf(call.Alice);
        var bobChats = ChatsOf(call.Bob);

        await call.Alice.SendChatAsync("hello from node A over SignalR");
        await call.Bob.SendChatAsync("hello from node B over gRPC");
        await EventuallyAsync(() => aliceChats.Count == 2 && bobChats.Count == 2, "both messages reached both participants");
        bobChats.Select(m => m.Text).Should().Contain(["hello from node A over SignalR", "hello from node B over gRPC"]);
        aliceChats.Select(m => m.Text).Should().Contain(["hello from node A over SignalR", "hello from node B over gRPC"]);
        // One id sequence for the meeting, whichever node recorded the message.
        bobChats.Select(m => m.Id).Distinct().Should().HaveCount(2);

        // A change on one node (Bob mutes himself on B) shows on the other.
        await call.Bob.SetMutedAsync("audio", true);
        await EventuallyAsync(() => call.Alice.Participants.Values.Single().AudioMuted, "Alice sees Bob muted");

        // A late joiner on node A gets the chat history recorded on both nodes and both in its roster.
        var carol = NewClient(call.A, SignalingTransport.Grpc);
        await carol.JoinAsync(call.MeetingId, "Carol");
        carol.ChatHistory.Select(m => m.Text).Should().Equal("hello from node A over SignalR", "hello from node B over gRPC");
        carol.Participants.Values.Select(p => p.DisplayName).Should().BeEquivalentTo(["Alice", "Bob"]);

        // Leaving on B shows on A, once.
        var left = new ConcurrentQueue<string>();
        call.Alice.ParticipantUpdated += u => { if (u.Action == ParticipantUpdateMessage.Left) left.Enqueue(u.ParticipantId); };
        await call.Bob.LeaveAsync();
        await EventuallyAsync(() => call.Alice.Participants.Count == 1 && carol.Participants.Count == 1, "Bob's leaving reached node A");
        await Task.Delay(300);
        left.Should().ContainSingle();
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task A_host_action_on_node_A_takes_effect_for_a_participant_on_node_B()
    {
        var call = await StartCallAsync();
        var bobId = call.Bob.Self!.ParticipantId;

        await call.Alice.MuteParticipantAsync(bobId);
        await EventuallyAsync(() => call.B.Media.Participants[bobId].AudioHeld, "node B's SFU holds Bob's audio");
        await EventuallyAsync(() => call.Alice.Participants[bobId].AudioMuted && call.Bob.Self!.AudioMuted, "both rosters show Bob muted by the host");

        await call.Alice.MakeHostAsync(bobId);
        await EventuallyAsync(() => call.Alice.Participants[bobId].Role == "host", "Alice sees Bob as a host");
        // Bob's new role is checked on his own node: he may now lock the meeting, which node A enforces.
        await call.Bob.SetLockedAsync(true);
        await EventuallyAsync(() => call.Alice.MeetingLocked, "Alice is told the meeting is locked");
        var lockedJoin = await call.A.Host.Client.PostAsJsonAsync($"/v1/meetings/{call.MeetingId}/join", new { userId = "usr_dave", displayName = "Dave" });
        lockedJoin.StatusCode.Should().Be(HttpStatusCode.Forbidden, "the lock set through node B holds on node A");
        await call.Bob.SetLockedAsync(false);

        var notices = new ConcurrentQueue<NoticeMessage>();
        call.Bob.NoticeReceived += notices.Enqueue;
        var bobToken = call.Bob.Joined!.AccessToken;
        await call.Alice.RemoveParticipantAsync(bobId);
        await EventuallyAsync(() => call.Alice.Participants.Count == 0, "Bob left Alice's roster");
        await EventuallyAsync(() => call.B.Host.Get<SessionRegistry>().SessionsOf(call.MeetingId).Count == 0, "node B closed Bob's session");
        notices.Select(n => n.Kind).Should().Contain(NoticeMessage.Removed);
        // The revocation is shared: Bob's token is refused by either node.
        foreach (var node in new[] { call.A, call.B })
        {
            var retry = new HttpRequestMessage(HttpMethod.Get, $"/v1/meetings/{call.MeetingId}/participants");
            retry.Headers.Authorization = new("Bearer", bobToken);
            var response = await node.Host.Client.SendAsync(retry);
            ((int)response.StatusCode).Should().BeOneOf(401, 403);
        }
    }

    [Test]
    public async Task Redis_down_at_start_up_fails_naming_the_key()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var start = () => StartNodeAsync($"127.0.0.1:{closedPort}");

        var failure = await start.Should().ThrowAsync<Exception>();
        failure.Which.ToString().Should().Contain("Redis:Configuration").And.Contain($"127.0.0.1:{closedPort}");
    }

    [Test]
    public async Task A_clustered_node_without_a_shared_signing_key_fails_start_up_naming_the_key()
    {
        var start = async () => owned.Add(await MeetTestHost.StartAsync(StorageProvider.Postgres, withSigningKey: false, settings: new Dictionary<string, string>
        {
            ["Storage:PostgresConnectionString"] = database,
            ["Redis:Configuration"] = redis.Configuration,
        }));

        var failure = await start.Should().ThrowAsync<Exception>();
        failure.Which.ToString().Should().Contain("Auth:SigningKey");
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task Losing_Redis_mid_meeting_is_counted_and_the_nodes_recover_when_it_returns()
    {
        var call = await StartCallAsync();
        var aliceChats = ChatsOf(call.Alice);
        var bobChats = ChatsOf(call.Bob);

        await redis.StopAsync();
        // Each node goes on with what it holds: Alice's chat reaches Alice, nothing crashes.
        await call.Alice.SendChatAsync("while Redis is away");
        await EventuallyAsync(() => aliceChats.Any(m => m.Text == "while Redis is away"), "Alice's own chat came back from node A");
        await EventuallyAsync(() => call.A.Redis.Errors > 0, "node A counted Redis errors");
        await call.Bob.SetMutedAsync("video", true);

        await redis.StartAgainAsync();
        // The empty Redis gets each node's sessions written back; cross-node chat works again.
        await EventuallyAsync(() => call.A.Redis.Multiplexer.IsConnected && call.B.Redis.Multiplexer.IsConnected, "both nodes reconnected", 30_000);
        await EventuallyAsync(() =>
        {
            _ = call.Alice.SendChatAsync("after Redis returned " + Environment.TickCount64);
            return bobChats.Any(m => m.Text.StartsWith("after Redis returned", StringComparison.Ordinal));
        }, "a chat from node A reached node B again", 30_000);
        call.Alice.Participants.Should().ContainSingle().Which.Value.DisplayName.Should().Be("Bob");
        call.Bob.Participants.Should().ContainSingle().Which.Value.DisplayName.Should().Be("Alice");
        // A newcomer after the restart finds both in the roster (the session map was written back).
        var carol = NewClient(call.B, SignalingTransport.SignalR);
        await carol.JoinAsync(call.MeetingId, "Carol");
        await EventuallyAsync(() => carol.Participants.Count == 2, "Carol sees Alice and Bob", 15_000);
    }

    private static Task EventuallyAsync(Func<bool> condition, string because, int timeoutMs = 15_000) =>
        SignalingTestBase.EventuallyAsync(condition, because, timeoutMs);
}

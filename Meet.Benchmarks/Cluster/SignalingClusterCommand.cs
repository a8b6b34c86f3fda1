using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Meet.Benchmarks.Load;
using Meet.Benchmarks.Meeting;
using Meet.Modules.Client;
using Meet.Modules.Signaling;

using static Meet.Benchmarks.Cluster.ClusterCommandSupport;

namespace Meet.Benchmarks.Cluster;

// Issue 15's two signaling nodes, as processes on loopback sharing one PostgreSQL and one Redis:
//   dotnet run -c Release --project Meet.Benchmarks -- signaling-cluster [--messages 200] [--postgres <cs>] [--redis <host:port>]
// 1. Delivery latency between participants on different nodes, against the same measurement on one
//    node in the same run: chat A→B (SignalR sender on node A, gRPC receiver on node B), chat B→A, and a
//    roster change B→A (a mute toggle until the other sees it; includes Signaling:RosterBatchDelay,
//    100 ms by default, on both paths). One message at a time, sender and receiver in this process.
// 2. kill -9 of node A: its two participants (one SignalR, one gRPC, each given node B as a fallback)
//    reconnect to node B and keep the meeting; node B's participant must not see them leave, a newcomer's
//    roster must list each participant once, and chat must flow again.
// Prints one line per figure and ends with "signaling-cluster failed=N".
internal static class SignalingClusterCommand
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    public static async Task<int> RunAsync(string[] args)
    {
        var messages = Option(args, "--messages", 200);
        await using var ownPostgres = Text(args, "--postgres") is null ? await ThrowawayPostgres.StartAsync() : null;
        var postgres = Text(args, "--postgres") ?? ownPostgres!.ConnectionString;
        await using var ownRedis = Text(args, "--redis") is null ? await ThrowawayRedis.StartAsync() : null;
        var redis = Text(args, "--redis") ?? ownRedis!.Configuration;
        string[] common =
        [
            "--Storage:Provider=Postgres",
            $"--Storage:PostgresConnectionString={postgres}",
            $"--Redis:Configuration={redis}",
            // One signing key for the cluster: a token from node A must open a session on node B.
            $"--Auth:SigningKey={Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))}",
            // Measured one message after another as fast as they arrive: the chat allowance (2/s by
            // default) would refuse that, and is not what is measured.
            "--Signaling:ChatMessagesPerSecond=100000",
            "--Signaling:ChatBurst=100000",
        ];
        // Node A first: it runs the migrations.
        var nodeA = await MeetingServerProcess.StartAsync(common, TimeSpan.FromSeconds(60));
        await using var nodeB = await MeetingServerProcess.StartAsync(common, TimeSpan.FromSeconds(60));
        var failures = new List<string>();
        try
        {
            await RunAsync(nodeA, nodeB, messages, failures);
        }
        finally
        {
            await nodeA.DisposeAsync();
        }
        foreach (var failure in failures)
            Console.WriteLine("FAILED: " + failure);
        Console.WriteLine($"signaling-cluster failed={failures.Count}");
        return failures.Count == 0 ? 0 : 1;
    }

    private static async Task RunAsync(MeetingServerProcess nodeA, MeetingServerProcess nodeB, int messages, List<string> failures)
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(2), 0.3, 20);
        await using var alice = new MeetClient(new MeetClientOptions
        {
            BaseAddress = nodeA.BaseAddress,
            Transport = SignalingTransport.SignalR,
            Reconnect = backoff,
            FallbackNodes = [new SignalingNodeAddress(nodeB.BaseAddress)],
        });
        var created = await alice.CreateMeetingAsync("usr_alice", "signaling cluster");
        await alice.JoinAsync(created.MeetingId, "Alice", token: created.AccessToken);
        await using var bob = new MeetClient(new MeetClientOptions { BaseAddress = nodeB.BaseAddress, Transport = SignalingTransport.Grpc, Reconnect = backoff });
        await bob.JoinAsync(created.MeetingId, "Bob");
        // Carol is on node A with Alice: the same-node baseline of the same run.
        await using var carol = new MeetClient(new MeetClientOptions { BaseAddress = nodeA.BaseAddress, Transport = SignalingTransport.Grpc, Reconnect = backoff });
        await carol.JoinAsync(created.MeetingId, "Carol");
        if (!await WaitAsync(() => alice.Participants.Count == 2 && bob.Participants.Count == 2 && carol.Participants.Count == 2, Limit))
        {
            failures.Add($"rosters incomplete before the measurement (alice {alice.Participants.Count}, bob {bob.Participants.Count}, carol {carol.Participants.Count})");
            return;
        }

        var chatAB = await ChatLatencyAsync(alice, bob, messages, "a-b");
        var chatAA = await ChatLatencyAsync(alice, carol, messages, "a-a");
        var chatBA = await ChatLatencyAsync(bob, alice, messages, "b-a");
        var rosterBA = await RosterLatencyAsync(bob, alice, messages);
        var rosterAA = await RosterLatencyAsync(carol, alice, messages);
        Report("chat cross-node A->B (SignalR -> gRPC)", chatAB, failures);
        Report("chat cross-node B->A (gRPC -> SignalR)", chatBA, failures);
        Report("chat same node A->A (SignalR -> gRPC)", chatAA, failures);
        Report("roster cross-node B->A", rosterBA, failures);
        Report("roster same node A->A", rosterAA, failures);

        await KillAsync(nodeA, nodeB, created.MeetingId, alice, bob, backoff, failures);
    }

    private static async Task KillAsync(MeetingServerProcess nodeA, MeetingServerProcess nodeB, string meetingId, MeetClient alice, MeetClient bob, ReconnectBackoff backoff, List<string> failures)
    {
        // Dave: gRPC on node A, node B's gRPC endpoint (as its join through B announced it) as the fallback.
        var bobGrpc = bob.Joined!.GrpcAddress ?? nodeB.BaseAddress;
        await using var dave = new MeetClient(new MeetClientOptions
        {
            BaseAddress = nodeA.BaseAddress,
            Transport = SignalingTransport.Grpc,
            Reconnect = backoff,
            FallbackNodes = [new SignalingNodeAddress(nodeB.BaseAddress, bobGrpc)],
        });
        await dave.JoinAsync(meetingId, "Dave");
        if (!await WaitAsync(() => bob.Participants.Count == 3, Limit))
        {
            failures.Add("Dave never reached Bob's roster");
            return;
        }
        var leftSeen = 0;
        bob.ParticipantUpdated += u =>
        {
            if (u.Action == ParticipantUpdateMessage.Left && u.ParticipantId != bob.Self?.ParticipantId && u.DisplayName is "Alice" or "Dave")
                Interlocked.Increment(ref leftSeen);
        };
        var reconnectedAt = new ConcurrentDictionary<string, double>();
        var killedAt = Stopwatch.GetTimestamp();
        var attempts = new ConcurrentQueue<string>();
        alice.Reconnecting += (attempt, delay) => attempts.Enqueue($"alice attempt {attempt} after {delay.TotalMilliseconds:F0} ms");
        dave.Reconnecting += (attempt, delay) => attempts.Enqueue($"dave attempt {attempt} after {delay.TotalMilliseconds:F0} ms");
        alice.Disconnected += e => attempts.Enqueue($"alice gave up: {e?.Message}");
        dave.Disconnected += e => attempts.Enqueue($"dave gave up: {e?.Message}");
        alice.Reconnected += _ => reconnectedAt.TryAdd("alice", Stopwatch.GetElapsedTime(killedAt).TotalMilliseconds);
        dave.Reconnected += _ => reconnectedAt.TryAdd("dave", Stopwatch.GetElapsedTime(killedAt).TotalMilliseconds);
        nodeA.Kill();
        if (!await WaitAsync(() => reconnectedAt.Count == 2, Limit))
        {
            failures.Add($"after kill -9 of node A only [{string.Join(",", reconnectedAt.Keys)}] reconnected within {Limit.TotalSeconds:F0} s; {string.Join("; ", attempts)}");
            return;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"kill -9 node A: alice (SignalR) reconnected to {alice.SignalingNode} after {reconnectedAt["alice"]:F0} ms, dave (gRPC) after {reconnectedAt["dave"]:F0} ms"));
        if (alice.SignalingNode != nodeB.BaseAddress)
            failures.Add($"alice reconnected to {alice.SignalingNode}, not node B");
        if (!await WaitAsync(() => alice.Participants.Count == 3 && dave.Participants.Count == 3 && bob.Participants.Count == 3, Limit))
            failures.Add($"rosters after the kill: alice {alice.Participants.Count}, dave {dave.Participants.Count}, bob {bob.Participants.Count} (want 3 each)");
        // A newcomer's welcome lists each participant once (no leftover entry of the dead node).
        await using var eve = new MeetClient(new MeetClientOptions { BaseAddress = nodeB.BaseAddress, Transport = SignalingTransport.SignalR });
        var welcome = await eve.JoinAsync(meetingId, "Eve");
        var names = welcome.Participants.Select(p => p.DisplayName).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        Console.WriteLine($"kill -9 node A: newcomer's roster [{string.Join(", ", names)}], LEFT seen by bob {leftSeen}");
        if (!names.SequenceEqual(["Alice", "Bob", "Carol", "Dave"]) && !names.SequenceEqual(["Alice", "Bob", "Dave"]))
            failures.Add($"the newcomer's roster is [{string.Join(", ", names)}]");
        if (leftSeen > 0)
            failures.Add($"bob saw Alice or Dave leave {leftSeen} times");
        var received = new ConcurrentQueue<ChatMessage>();
        bob.ChatReceived += received.Enqueue;
        await alice.SendChatAsync("still here");
        await dave.SendChatAsync("me too");
        if (!await WaitAsync(() => received.Count(m => m.Text is "still here" or "me too") == 2, Limit))
            failures.Add("chat from the reconnected participants did not reach bob");
    }

    private static async Task<List<double>> ChatLatencyAsync(MeetClient from, MeetClient to, int count, string tag)
    {
        var latencies = new List<double>(count);
        var arrived = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        void OnChat(ChatMessage message) => arrived.TryAdd(message.Text, Stopwatch.GetTimestamp());
        to.ChatReceived += OnChat;
        try
        {
            for (var i = 0; i < count; i++)
            {
                var text = $"{tag} {i}";
                var sent = Stopwatch.GetTimestamp();
                await from.SendChatAsync(text);
                if (!await WaitAsync(() => arrived.ContainsKey(text), Limit, pollMs: 1))
                    break;
                latencies.Add(Stopwatch.GetElapsedTime(sent, arrived[text]).TotalMilliseconds);
            }
        }
        finally
        {
            to.ChatReceived -= OnChat;
        }
        return latencies;
    }

    // The sender toggles its audio mute; the time until the receiver's roster shows the new state.
    private static async Task<List<double>> RosterLatencyAsync(MeetClient from, MeetClient to, int count)
    {
        var latencies = new List<double>(count);
        var id = from.Self!.ParticipantId;
        for (var i = 0; i < count; i++)
        {
            var muted = i % 2 == 0;
            var sent = Stopwatch.GetTimestamp();
            await from.SetMutedAsync("audio", muted);
            if (!await WaitAsync(() => to.Participants.TryGetValue(id, out var p) && p.AudioMuted == muted, Limit, pollMs: 1))
                break;
            latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
        }
        return latencies;
    }

    private static void Report(string what, List<double> latencies, List<string> failures)
    {
        if (latencies.Count == 0)
        {
            failures.Add($"{what}: nothing arrived");
            return;
        }
        latencies.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: n={latencies.Count} p50_ms={Percentile(latencies, 0.50):F1} p99_ms={Percentile(latencies, 0.99):F1} max_ms={latencies[^1]:F1}"));
    }
}

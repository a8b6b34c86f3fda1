using System.Diagnostics;
using System.Globalization;
using Meet.Modules.Client;
using Meet.Tests.Support;
using Microsoft.Playwright;

namespace Meet.Tests.Browser;

// Issue 15, "a signaling node killed with kill -9 leaves its clients reconnected to the other one with
// backoff", for the web client: two signaling-only nodes (sharing Redis and PostgreSQL, each listing
// the other in Node:SignalingFallbacks) and one media-only node, each a process (`Meet.Benchmarks
// cluster --signaling-nodes 2`). Alice's page is served by and connected to node A, Bob's to node B.
// Node A is killed with SIGKILL: Alice's page reconnects to node B (the join response's
// signalRFallbacks, signalingnodes.ts) with its jittered backoff, rejoins the same meeting as the same
// participant, and the two pages decode each other again through the media node; neither page is ever
// told that anyone left. The media gap each page saw is printed; only a generous bound is asserted.
public sealed class SignalingFailoverBrowserTests : BrowserFixture
{
    private static readonly TimeSpan GapBound = TimeSpan.FromSeconds(20);

    [Test]
    [CancelAfter(600_000)]
    public async Task Killing_the_signaling_node_of_a_chromium_page_moves_it_to_the_other_node_without_roster_churn_and_media_comes_back()
    {
        var database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await using var cluster = await ClusterProcess.StartAsync(database, mediaNodes: 1, signalingNodes: 2);
        var (nodeA, nodeB) = (cluster.SignalingAddresses[0], cluster.SignalingAddresses[1]);
        string meetingId;
        await using (var creator = new MeetClient(new MeetClientOptions { BaseAddress = nodeA, Transport = SignalingTransport.SignalR }))
            meetingId = (await creator.CreateMeetingAsync("usr_signaling_failover", "Signaling failover")).MeetingId;

        var alice = await ClusterPages.JoinAsync(Browser, nodeA, "Alice", meetingId, MediaTimeout, 640, 360);
        var bob = await ClusterPages.JoinAsync(Browser, nodeB, "Bob", meetingId, MediaTimeout, 640, 360);
        var aliceId = (await MeetPage.ParticipantIdAsync(alice))!;
        var bobId = (await MeetPage.ParticipantIdAsync(bob))!;
        await ClusterPages.WaitForAsync(async () => await ClusterPages.DecodedAsync(alice, bobId) > 10 && await ClusterPages.DecodedAsync(bob, aliceId) > 10, MediaTimeout, "both pages decode each other before the kill", alice, bob);
        (await SignalingNodeAsync(alice)).Url.Should().StartWith(nodeA.ToString().TrimEnd('/'), "Alice starts on node A");

        var killed = Stopwatch.GetTimestamp();
        await cluster.KillSignalingNodeAsync(nodeA);
        // Both pages polled together every 50 ms: the longest time each went without a new decoded frame
        // of the other, until Alice is back on node B and both decoded 10 more frames.
        var aliceWatch = new FrameWatch(killed);
        var bobWatch = new FrameWatch(killed);
        double? aliceRejoinedMs = null;
        await ClusterPages.WaitForAsync(async () =>
        {
            var aliceFrames = await ClusterPages.DecodedAsync(alice, bobId);
            var bobFrames = await ClusterPages.DecodedAsync(bob, aliceId);
            aliceWatch.Observe(aliceFrames);
            bobWatch.Observe(bobFrames);
            var back = await MeetPage.StateAsync(alice) == "joined" && (await SignalingNodeAsync(alice)).Url.StartsWith(nodeB.ToString().TrimEnd('/'), StringComparison.Ordinal);
            if (back)
                aliceRejoinedMs ??= Stopwatch.GetElapsedTime(killed).TotalMilliseconds;
            return back && aliceWatch.FramesSinceLastStall > 10 && bobWatch.FramesSinceLastStall > 10;
        }, MediaTimeout, "Alice is back through node B and both pages decode each other again", alice, bob);

        var node = await SignalingNodeAsync(alice);
        await TestContext.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"signaling failover (kill -9 of Alice's node): Alice rejoined through node B {aliceRejoinedMs:F0} ms after the kill ({node.Switches} node switches); " +
            $"media gap (longest 50 ms-polled span without a new decoded frame): Alice {aliceWatch.LongestStallMs:F0} ms, Bob {bobWatch.LongestStallMs:F0} ms"));
        node.Switches.Should().BeGreaterThan(0);
        Math.Max(aliceWatch.LongestStallMs, bobWatch.LongestStallMs).Should().BeLessThan(GapBound.TotalMilliseconds);
        foreach (var page in new[] { alice, bob })
            (await page.EvaluateAsync<string[]>("() => window.meet.departures")).Should().BeEmpty("nobody was announced as leaving");
        (await MeetPage.ParticipantIdAsync(alice)).Should().Be(aliceId, "Alice rejoined as the same participant");
        (await alice.EvaluateAsync<string[]>("() => window.meet.remoteParticipants()")).Should().Equal([bobId]);
        (await bob.EvaluateAsync<string[]>("() => window.meet.remoteParticipants()")).Should().Equal([aliceId], "Bob's roster holds Alice once");
        await alice.Context.CloseAsync();
        await bob.Context.CloseAsync();
    }

    private static async Task<(string Url, int Switches)> SignalingNodeAsync(IPage page)
    {
        var node = await page.EvaluateAsync<System.Text.Json.JsonElement>("() => window.meet.signalingNode()");
        return (node.GetProperty("url").GetString()!, node.GetProperty("switches").GetInt32());
    }

    // A page's decoded-frame counter of one remote participant, polled: progress is a new positive value
    // (a new PeerConnection starts again from 0, which is no progress); the longest span without progress
    // since the kill is the media gap this page saw.
    private sealed class FrameWatch(long killed)
    {
        private long last = -1;
        private long lastProgressAt = killed;
        private long sinceStall;

        public double LongestStallMs { get; private set; }

        public long FramesSinceLastStall => sinceStall;

        public void Observe(long frames)
        {
            var now = Stopwatch.GetTimestamp();
            if (frames > 0 && frames != last)
            {
                var stall = Stopwatch.GetElapsedTime(lastProgressAt, now).TotalMilliseconds;
                // A stall is more than a few polls without a frame; each progress after it counts frames anew.
                if (stall > 300)
                    sinceStall = 0;
                sinceStall += last > 0 && frames > last ? frames - last : frames;
                LongestStallMs = Math.Max(LongestStallMs, stall);
                lastProgressAt = now;
            }
            last = frames;
        }
    }
}

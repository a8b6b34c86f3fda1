using System.Diagnostics;
using Meet.Modules.Client;
using Meet.Modules.Signaling.Internal;
using Meet.Tests.Signaling;

namespace Meet.Tests.Client;

// Issue 13's "signaling at scale": 1,000 signaling-only clients (gRPC and SignalR mixed, no media) join one
// meeting; every roster must converge on the server's, and the roster traffic is counted: with batching a
// member receives one message per flush, not one per join (the measured numbers are in the README).
[NonParallelizable]
public sealed class SignalingScaleTests : SignalingTestBase
{
    private const int Clients = 1000;

    [Test]
    public async Task A_thousand_signaling_clients_converge_on_one_roster_with_batched_updates()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        using var http = new HttpClient { BaseAddress = Host.BaseAddress };
        var clients = Enumerable.Range(0, Clients).Select(i => new MeetClient(new MeetClientOptions
        {
            BaseAddress = Host.BaseAddress,
            GrpcAddress = GrpcAddress,
            Transport = i % 4 == 3 ? SignalingTransport.SignalR : SignalingTransport.Grpc,
            HeartbeatInterval = TimeSpan.FromSeconds(10),
        }, http)).ToList();
        var traffic = Host.Get<SessionRegistry>().Traffic;
        var (messagesBefore, updatesBefore) = (traffic.RosterMessages, traffic.RosterUpdates);
        try
        {
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, 40).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < Clients)
                    await clients[i].JoinAsync(meetingId, $"c{i}");
            }));
            var server = Host.Get<SessionRegistry>().SessionsOf(meetingId).Select(s => s.ParticipantId).ToHashSet();
            bool Matches(MeetClient c) => c.Participants.Count == server.Count - 1 && c.Participants.Keys.All(server.Contains);
            var afterLastJoin = Stopwatch.StartNew();
            // Generous for a loaded 2-core machine; the aim (10 s) is measured by the benchmark, not asserted.
            while (!clients.All(Matches) && afterLastJoin.Elapsed < TimeSpan.FromSeconds(90))
                await Task.Delay(50);

            server.Should().HaveCount(Clients);
            clients.Count(Matches).Should().Be(Clients, "every client's roster equals the server's");
            var messages = traffic.RosterMessages - messagesBefore;
            var updates = traffic.RosterUpdates - updatesBefore;
            TestContext.Out.WriteLine($"{Clients} clients converged {afterLastJoin.ElapsedMilliseconds} ms after the last join; " +
                $"{messages} roster messages carrying {updates} updates ({messages / (double)Clients:0.0} messages per client, {messages / (double)Clients / Clients:0.000} per join per client)");
            // One message per member per flush: many joins share a message. Unbatched, messages == updates.
            messages.Should().BeLessThan(updates / 4, "roster changes are batched per flush, not sent one by one");
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }
}

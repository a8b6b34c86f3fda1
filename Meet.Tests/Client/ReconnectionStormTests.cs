using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Meet.Modules.Client;
using Meet.Modules.Signaling.Internal;
using Meet.Tests.Signaling;

namespace Meet.Tests.Client;

// Issue 15 (seed failure scenario 4, reconnection storms): 2,000 signaling-only clients (gRPC and SignalR,
// in this process) in 20 meetings lose their connections at once, as when the node or a proxy in front
// of it restarts. They come back with jittered exponential backoff while
// the node's connect bucket (RateLimiting:SignalingConnect) answers the excess with 429; new joins that
// arrive during the storm over the join bucket get 429 with Retry-After; nothing gets a 5xx; and
// participants of another meeting who were not dropped keep a responsive chat throughout. The histogram
// of reconnect times and the chat latency are printed and written to storm-histogram.txt (README).
[NonParallelizable]
public sealed class ReconnectionStormTests : SignalingTestBase
{
    private const int Clients = 2000;
    private const int Meetings = 20;
    private const int Observers = 4;
    private const int LateJoins = 200;
    // Attempts themselves take time when the 2-core machine is loaded (load averages of 80 seen): added to
    // the bound the backoff's delays set.
    private static readonly TimeSpan LoadAllowance = TimeSpan.FromSeconds(60);

    // Heartbeats delayed on a loaded machine must not add drops of their own to the storm.
    protected override TimeSpan HeartbeatTimeout => TimeSpan.FromMinutes(5);

    // The node admits 300 connects at once and 300 a second after that: a storm of 2,000 must wait.
    protected override IReadOnlyDictionary<string, string> ExtraSettings => new Dictionary<string, string>
    {
        ["RateLimiting:SignalingConnect:TokenLimit"] = "300",
        ["RateLimiting:SignalingConnect:TokensPerPeriod"] = "30",
        ["RateLimiting:SignalingConnect:ReplenishmentPeriod"] = "00:00:00.100",
        // Enough for the setup's joins, then (one token a minute) nothing: the late joiners meet an empty bucket.
        ["RateLimiting:Join:TokenLimit"] = (Clients + Observers + 5).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RateLimiting:Join:TokensPerPeriod"] = "1",
        ["RateLimiting:Join:ReplenishmentPeriod"] = "00:01:00",
        ["Signaling:ChatMessagesPerSecond"] = "20",
        ["Signaling:ChatBurst"] = "40",
    };

    [Test]
    public async Task Two_thousand_dropped_clients_come_back_spread_by_jitter_while_the_buckets_answer_429_and_nothing_5xx()
    {
        var meetings = new List<string>();
        for (var m = 0; m < Meetings; m++)
            meetings.Add((await CreateMeetingAsync()).MeetingId);
        var (observerMeeting, _) = await CreateMeetingAsync();
        using var http = new HttpClient { BaseAddress = Host.BaseAddress };
        var backoff = ReconnectBackoff.Default;
        MeetClient NewClient(int i) => new(new MeetClientOptions
        {
            BaseAddress = Host.BaseAddress,
            GrpcAddress = GrpcAddress,
            Transport = i % 4 == 3 ? SignalingTransport.SignalR : SignalingTransport.Grpc,
            HeartbeatInterval = TimeSpan.FromSeconds(10),
            Reconnect = backoff,
        }, http);
        var clients = Enumerable.Range(0, Clients).Select(NewClient).ToList();
        var observers = Enumerable.Range(0, Observers).Select(_ => NewClient(0)).ToList();
        var limiter = Host.Get<SignalingConnectLimiter>();
        try
        {
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, 40).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < Clients)
                    await clients[i].JoinAsync(meetings[i % Meetings], $"c{i}");
            }));
            for (var i = 0; i < Observers; i++)
                await observers[i].JoinAsync(observerMeeting, $"observer{i}");
            var registry = Host.Get<SessionRegistry>();
            // Joins that met the connect bucket waited their backoff; the last rosters settle just after.
            var settle = Stopwatch.StartNew();
            while (meetings.Sum(registry.RosterCount) < Clients && settle.Elapsed < TimeSpan.FromSeconds(30))
                await Task.Delay(100);
            meetings.Sum(registry.RosterCount).Should().Be(Clients);

            var dropAt = Stopwatch.GetTimestamp();
            // Each client's first reconnect after the drop (a client dropped again later reconnects again: counted apart).
            var reconnectMs = new ConcurrentDictionary<int, double>();
            var reconnects = 0;
            var gaveUp = 0;
            for (var i = 0; i < Clients; i++)
            {
                var index = i;
                clients[i].Reconnected += _ =>
                {
                    Interlocked.Increment(ref reconnects);
                    reconnectMs.TryAdd(index, Stopwatch.GetElapsedTime(dropAt).TotalMilliseconds);
                };
                clients[i].Disconnected += _ => Interlocked.Increment(ref gaveUp);
            }
            var refusedBefore = limiter.Rejected;
            // The storm: all 2,000 connections drop at once (as when the node or a proxy in front of it
            // restarts) and every client starts its backoff from the same moment.
            await Task.WhenAll(clients.Select(c => c.SimulateConnectionLossAsync()));

            using var stop = new CancellationTokenSource();
            var chat = MeasureChatAsync(observers, stop.Token);
            var lateJoins = LateJoinsAsync(http, meetings[0]);
            var deadline = Stopwatch.StartNew();
            // The backoff bounds recovery: every client has tried MaxAttempts times by then (measured below).
            var bound = Enumerable.Range(0, backoff.MaxAttempts).Sum(a => backoff.GetDelay(a, new Random(0)).TotalMilliseconds * (1 + backoff.JitterFraction));
            while ((reconnectMs.Count < Clients || meetings.Sum(registry.RosterCount) < Clients) && Volatile.Read(ref gaveUp) == 0
                && deadline.Elapsed < TimeSpan.FromMilliseconds(bound) + LoadAllowance)
                await Task.Delay(100);
            var recovered = Stopwatch.GetElapsedTime(dropAt);
            await stop.CancelAsync();
            var latencies = await chat;
            var statuses = await lateJoins;

            var times = reconnectMs.Values.Order().ToArray();
            var report = Report(times, reconnects, latencies, statuses, limiter.Rejected - refusedBefore, clients.Sum(c => c.ConnectsRefused), recovered);
            TestContext.Out.WriteLine(report);
            var file = Path.Combine(TestContext.CurrentContext.WorkDirectory, "storm-histogram.txt");
            await File.WriteAllTextAsync(file, report);
            TestContext.Out.WriteLine($"written to {file}");

            gaveUp.Should().Be(0, "no client gave up reconnecting");
            times.Should().HaveCount(Clients, "every dropped client reconnected");
            meetings.Sum(registry.RosterCount).Should().Be(Clients, "every one of them is back in its meeting");
            times[^1].Should().BeLessThan(bound + LoadAllowance.TotalMilliseconds, "the backoff bounds the recovery (plus the attempts' own time on a loaded machine)");
            (limiter.Rejected - refusedBefore).Should().BeGreaterThan(0, "the storm went over the connect bucket and was answered 429");
            // Jitter: the reconnects are spread out, not one wave; at least 10 distinct 100 ms windows.
            times.Select(t => (int)(t / 100)).Distinct().Count().Should().BeGreaterThanOrEqualTo(10);
            statuses.Should().NotContain(s => (int)s.Status >= 500, "no 5xx during the storm");
            statuses.Count(s => s.Status == HttpStatusCode.TooManyRequests).Should().BeGreaterThan(0, "joins over the bucket are answered 429");
            statuses.Where(s => s.Status == HttpStatusCode.TooManyRequests).Should().OnlyContain(s => s.RetryAfter != null, "a 429 says when to retry");
            latencies.Should().NotBeEmpty();
            failedChats.Should().Be(0, "participants who were not dropped keep their connection through the storm");
            latencies.Should().OnlyContain(l => l < 20_000, "connected participants stay responsive during the storm (a bound generous for a loaded 2-core machine; the measured latency is printed)");
        }
        finally
        {
            await Task.WhenAll(clients.Concat(observers).Select(c => c.DisposeAsync().AsTask()));
        }
    }

    // Chat round trips of participants who were not dropped: send, and wait for the server's fan-out of it.
    private static int failedChats;

    private static async Task<List<double>> MeasureChatAsync(IReadOnlyList<MeetClient> observers, CancellationToken stop)
    {
        var latencies = new ConcurrentBag<double>();
        await Task.WhenAll(observers.Select(async (observer, i) =>
        {
            var sent = new ConcurrentDictionary<string, long>();
            observer.ChatReceived += message =>
            {
                if (message.FromParticipantId == observer.ParticipantId && sent.TryRemove(message.Text, out var at))
                    latencies.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
            };
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var text = $"observer {i} #{n}";
                sent[text] = Stopwatch.GetTimestamp();
                try
                {
                    await observer.SendChatAsync(text);
                }
                catch (Exception ex) when (ex is SignalingErrorException or InvalidOperationException)
                {
                    // Not expected (the storm does not touch this meeting), but reported rather than hidden.
                    sent.TryRemove(text, out _);
                    Interlocked.Increment(ref failedChats);
                }
                try
                {
                    await Task.Delay(100, stop);
                }
                catch (OperationCanceledException)
                {
                }
            }
            await Task.Delay(500);
        }));
        return [.. latencies];
    }

    private static async Task<List<(HttpStatusCode Status, TimeSpan? RetryAfter)>> LateJoinsAsync(HttpClient http, string meetingId)
    {
        var results = await Task.WhenAll(Enumerable.Range(0, LateJoins).Select(async i =>
        {
            using var response = await http.PostAsJsonAsync($"/v1/meetings/{meetingId}/join", new { displayName = $"late{i}" });
            return (response.StatusCode, response.Headers.RetryAfter?.Delta);
        }));
        return [.. results];
    }

    private static string Report(double[] times, int reconnects, List<double> latencies, List<(HttpStatusCode Status, TimeSpan? RetryAfter)> statuses,
        long connectsRefused, int clientRefusals, TimeSpan recovered)
    {
        var text = new StringBuilder();
        text.AppendLine($"reconnection storm: {times.Length} of {Clients} clients back, all within {recovered.TotalMilliseconds:0} ms of the drop; " +
            $"reconnect time p50 {Percentile(times, 0.50):0} ms, p99 {Percentile(times, 0.99):0} ms, max {(times.Length > 0 ? times[^1] : 0):0} ms " +
            $"({reconnects} reconnects in all)");
        text.AppendLine($"signaling connects refused with 429 by the node's bucket: {connectsRefused} (seen by clients: {clientRefusals})");
        text.AppendLine($"late joins during the storm: {string.Join(", ", statuses.GroupBy(s => (int)s.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} x {g.Key}"))}");
        var sorted = latencies.Order().ToArray();
        text.AppendLine($"chat round trip of connected participants during the storm ({sorted.Length} messages, {failedChats} sends failed): " +
            $"p50 {Percentile(sorted, 0.50):0} ms, p99 {Percentile(sorted, 0.99):0} ms, max {(sorted.Length > 0 ? sorted[^1] : 0):0} ms");
        text.AppendLine("histogram of reconnect times (500 ms buckets):");
        foreach (var bucket in times.GroupBy(t => (int)(t / 500)).OrderBy(g => g.Key))
            text.AppendLine($"  {bucket.Key * 500,6}-{(bucket.Key + 1) * 500,6} ms {bucket.Count(),5} {new string('#', Math.Max(1, bucket.Count() / 10))}");
        return text.ToString();
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}

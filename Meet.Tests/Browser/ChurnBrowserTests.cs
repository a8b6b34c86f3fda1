using System.Collections.Concurrent;
using System.Diagnostics;
using Meet.Modules.Client;
using Meet.Modules.Signaling.Internal;
using Meet.Tests.Client;
using Microsoft.Playwright;

namespace Meet.Tests.Browser;

// Issue 9 (b): two Chromium participants join in the same instant while .NET bots join, publish, turn
// cameras off and on and leave; afterwards both pages receive every remaining publisher and decode each
// other, the bots receive both browsers, and every roster (pages and bots) is the server's.
public sealed class ChurnBrowserTests : BrowserFixture
{
    [Test]
    public async Task Two_browsers_joining_together_during_bot_churn_converge_on_every_stream_and_roster([ValueSource(typeof(ChurnSeeds), nameof(ChurnSeeds.Browser))] int seed)
    {
        var master = new Random(seed);
        var host = Harness.Host;
        MeetClientOptions Options(int i) => new()
        {
            BaseAddress = host.BaseAddress,
            GrpcAddress = host.Get<GrpcEndpoint>().Address,
            Transport = i % 2 == 0 ? SignalingTransport.Grpc : SignalingTransport.SignalR,
            AnswerSubscriberOffers = true,
        };
        await using var creator = new MeetClient(Options(0));
        var meeting = await creator.CreateMeetingAsync("usr_churn_host", $"Browser churn {seed}");
        var link = $"{Harness.BaseUrl}/j/{meeting.MeetingId}";
        var bots = Enumerable.Range(0, 8).Select(i => new ChurnBot(Options(i), $"bot{i}")).ToList();
        var gone = new HashSet<ChurnBot>();
        var log = new ConcurrentQueue<string>();
        var alice = await Harness.NewParticipantAsync(Browser);
        var bob = await Harness.NewParticipantAsync(Browser);
        alice.Console += (_, m) => { if (m.Type is "error" or "warning") log.Enqueue("alice console: " + m.Text); };
        bob.Console += (_, m) => { if (m.Type is "error" or "warning") log.Enqueue("bob console: " + m.Text); };
        try
        {
            var scripts = bots.Select(b => ChurnScript.RunAsync(b, new Random(master.Next()), meeting.MeetingId, log, gone, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(12))).ToList();
            await Task.Delay(1500);
            // The same instant: both pages click join together.
            await Task.WhenAll(MeetPage.JoinFromLandingAsync(alice, "Alice", link), MeetPage.JoinFromLandingAsync(bob, "Bob", link));
            log.Enqueue("both browsers joined");
            await Task.WhenAll(MeetPage.WaitForStateAsync(alice, MediaTimeout, "joined"), MeetPage.WaitForStateAsync(bob, MediaTimeout, "joined"));
            await Task.WhenAll(scripts);

            var aliceId = (await MeetPage.ParticipantIdAsync(alice))!;
            var bobId = (await MeetPage.ParticipantIdAsync(bob))!;
            var remaining = bots.Except(gone).ToList();
            var publishers = remaining.Where(b => b.Publishing).ToList();
            var settled = Stopwatch.GetTimestamp();
            var first = new Dictionary<IPage, IReadOnlyDictionary<string, MeetPage.RemoteStats>>
            {
                [alice] = await MeetPage.StatsAsync(alice),
                [bob] = await MeetPage.StatsAsync(bob),
            };

            var deadline = Stopwatch.StartNew();
            string report = "";
            async Task<bool> ConvergedAsync()
            {
                var problems = new List<string>();
                var server = host.Get<SessionRegistry>().SessionsOf(meeting.MeetingId).Select(s => s.ParticipantId).OrderBy(x => x, StringComparer.Ordinal).ToArray();
                foreach (var (page, self, other) in new[] { (alice, aliceId, bobId), (bob, bobId, aliceId) })
                {
                    var stats = await MeetPage.StatsAsync(page);
                    var before = first[page];
                    MeetPage.RemoteStats Get(IReadOnlyDictionary<string, MeetPage.RemoteStats> s, string id) => s.TryGetValue(id, out var r) ? r : new(0, 0, 0);
                    if (Get(stats, other).FramesDecoded <= Get(before, other).FramesDecoded)
                        problems.Add($"{self} does not decode {other}");
                    var selection = host.Get<Meet.Modules.Media.Internal.MediaModule>().FindSelection(meeting.MeetingId)!;
                    foreach (var publisher in publishers)
                    {
                        // Top-3 audio: only the meeting's audible set is forwarded.
                        if (selection.ForwardsAudio(publisher.Id) && Get(stats, publisher.Id).AudioPacketsReceived <= Get(before, publisher.Id).AudioPacketsReceived)
                            problems.Add($"{self} gets no audio from {publisher.Name}");
                        if (publisher.CameraOn && Get(stats, publisher.Id).VideoPacketsReceived <= Get(before, publisher.Id).VideoPacketsReceived)
                            problems.Add($"{self} gets no video from {publisher.Name}");
                    }
                    var roster = await page.EvaluateAsync<string[]>("() => window.meet.roster().participants");
                    if (!roster.SequenceEqual(server.Where(id => id != self)))
                        problems.Add($"{self}'s roster [{string.Join(",", roster)}] is not the server's");
                }
                foreach (var bot in remaining)
                {
                    var receiving = bot.ReceivingSince(settled);
                    var selection = host.Get<Meet.Modules.Media.Internal.MediaModule>().FindSelection(meeting.MeetingId)!;
                    foreach (var browser in new[] { aliceId, bobId })
                    {
                        if (!receiving.Contains(browser + "/video") || (selection.ForwardsAudio(browser) && !receiving.Contains(browser + "/audio")))
                            problems.Add($"{bot.Name} does not receive {browser}");
                    }
                    if (!bot.Client.Participants.Keys.Append(bot.Id).OrderBy(x => x, StringComparer.Ordinal).SequenceEqual(server))
                        problems.Add($"{bot.Name}'s roster is not the server's");
                }
                if (problems.Count > 0)
                {
                    var media = host.Get<Meet.Modules.Media.Internal.MediaModule>();
                    problems.Add($"negotiation: offers {media.NegotiationCounters.Offers} accepted {media.NegotiationCounters.AnswersAccepted} refused {media.NegotiationCounters.AnswersRefused} stale {media.NegotiationCounters.StaleAnswers} timeouts {media.NegotiationCounters.Timeouts}");
                    foreach (var page in new[] { alice, bob })
                        problems.Add("stats keys: " + string.Join(",", (await MeetPage.StatsAsync(page)).Keys));
                }
                report = string.Join("\n", problems);
                return problems.Count == 0;
            }
            while (!await ConvergedAsync() && deadline.Elapsed < TimeSpan.FromSeconds(25))
                await Task.Delay(500);
            TestContext.Out.WriteLine($"seed {seed}: {remaining.Count} bots ({publishers.Count} publishing) + 2 browsers converged {deadline.ElapsedMilliseconds} ms after the churn ended");
            report.Should().BeEmpty($"seed {seed}; script:\n{string.Join("\n", log)}");
        }
        finally
        {
            await Task.WhenAll(bots.Select(b => b.DisposeAsync().AsTask()));
            await alice.Context.CloseAsync();
            await bob.Context.CloseAsync();
        }
    }
}

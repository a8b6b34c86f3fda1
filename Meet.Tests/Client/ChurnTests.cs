using System.Diagnostics;
using Meet.Modules.Client;
using Meet.Modules.Media.Internal;
using Meet.Modules.Signaling.Internal;
using Meet.Modules.Storage;
using Meet.Tests.Support;

namespace Meet.Tests.Client;

// Issue 9: people joining, publishing and leaving at the same moment always converge on full media and
// a full roster. Scripts are seeded (the seed is in every failure message); timing is the machine's.
[TestFixture]
[NonParallelizable]
public sealed class ChurnTests
{
    private MeetTestHost host = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => host = await MeetTestHost.StartAsync(StorageProvider.Sqlite);

    [OneTimeTearDown]
    public async Task StopAsync() => await host.DisposeAsync();

    private MeetClientOptions Options(int index, bool answerOffers) => new()
    {
        BaseAddress = host.BaseAddress,
        GrpcAddress = host.Get<GrpcEndpoint>().Address,
        // Both transports (and both SignalR protocols) in one meeting.
        Transport = (index % 3) switch { 0 => SignalingTransport.Grpc, 1 => SignalingTransport.SignalR, _ => SignalingTransport.SignalRMessagePack },
        AnswerSubscriberOffers = answerOffers,
    };

    private IReadOnlyList<string> ServerRoster(string meetingId) =>
        host.Get<SessionRegistry>().SessionsOf(meetingId).Select(s => s.ParticipantId).OrderBy(id => id, StringComparer.Ordinal).ToArray();

    // Defect 2 of issue 9 (roster entries lost when updates arrived right after the welcome) at the
    // scale where it showed: 200 signaling-only clients join in bursts, some leave meanwhile.
    [Test]
    public async Task Two_hundred_signaling_clients_joining_in_bursts_converge_on_the_servers_roster([ValueSource(typeof(ChurnSeeds), nameof(ChurnSeeds.Roster))] int seed)
    {
        var random = new Random(seed);
        var host0 = new MeetClient(Options(0, answerOffers: false));
        var meeting = await host0.CreateMeetingAsync("usr_churn_host", $"Churn {seed}");
        await host0.DisposeAsync();
        var clients = new List<MeetClient>();
        var left = new List<MeetClient>();
        try
        {
            var index = 0;
            while (index < 200)
            {
                var burst = Math.Min(200 - index, random.Next(10, 41));
                var joining = Enumerable.Range(index, burst).Select(i => new MeetClient(Options(i, answerOffers: false))).ToList();
                clients.AddRange(joining);
                var joins = joining.Select((c, i) => c.JoinAsync(meeting.MeetingId, $"Bot {index + i}", userId: $"usr_{seed}_{index + i}")).ToList();
                // Some of those already in leave while the burst joins.
                var leaving = clients.Except(joining).Except(left).Where(_ => random.Next(25) == 0).ToList();
                left.AddRange(leaving);
                await Task.WhenAll(joins.Concat(leaving.Select(c => c.LeaveAsync())));
                index += burst;
                await Task.Delay(random.Next(0, 150));
            }

            var remaining = clients.Except(left).ToList();
            var converged = Stopwatch.StartNew();
            await Signaling.SignalingTestBase.EventuallyAsync(() => remaining.All(c => Matches(c, meeting.MeetingId)),
                $"every roster equals the server's (seed {seed})", 10_000);
            TestContext.Out.WriteLine($"seed {seed}: {remaining.Count} clients converged {converged.ElapsedMilliseconds} ms after the last join; " +
                $"resyncs {remaining.Sum(c => c.RosterResyncs)}");
            ServerRoster(meeting.MeetingId).Should().HaveCount(remaining.Count);
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    private bool Matches(MeetClient client, string meetingId)
    {
        var mine = client.Participants.Keys.Append(client.ParticipantId!).OrderBy(id => id, StringComparer.Ordinal);
        return mine.SequenceEqual(ServerRoster(meetingId));
    }

    // Bots with real ICE/DTLS/SRTP join, publish, turn their camera off and on and leave at random
    // moments for ~20 s; then every remaining subscriber receives every remaining publisher's audio and
    // (camera on) video, and every roster is the server's.
    [Test]
    public async Task Bots_churning_for_twenty_seconds_converge_on_every_stream_and_roster([ValueSource(typeof(ChurnSeeds), nameof(ChurnSeeds.Media))] int seed)
    {
        var master = new Random(seed);
        await using var creator = new MeetClient(Options(0, answerOffers: false));
        var meeting = await creator.CreateMeetingAsync("usr_churn_host", $"Media churn {seed}");
        var bots = new List<ChurnBot>();
        var gone = new HashSet<ChurnBot>();
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        try
        {
            var scripts = Enumerable.Range(0, 14).Select(i =>
            {
                var random = new Random(master.Next());
                var bot = new ChurnBot(Options(i, answerOffers: true), $"bot{i}");
                bots.Add(bot);
                return ChurnScript.RunAsync(bot, random, meeting.MeetingId, log, gone, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(20));
            }).ToList();
            await Task.WhenAll(scripts);

            var remaining = bots.Except(gone).Where(b => b.Id.Length > 0).ToList();
            var publishers = remaining.Where(b => b.Publishing).ToList();
            var settled = Stopwatch.GetTimestamp();
            // Every remaining publisher's video (last-N is 12), and the audio of the meeting's audible set
            // (top-3 audio; the bots send no audio levels, so the set is stable).
            var selection = () => host.Get<MediaModule>().FindSelection(meeting.MeetingId)!;
            string Expected(ChurnBot viewer) => string.Join(",", publishers.Where(p => p != viewer)
                .SelectMany(p => new[] { selection().ForwardsAudio(p.Id) ? p.Id + "/audio" : null, p.CameraOn && selection().ForwardsVideo(viewer.Id, p.Id) ? p.Id + "/video" : null })
                .OfType<string>().OrderBy(t => t, StringComparer.Ordinal));
            // Bounded slots (the default): the slots the server assigned are exactly what the selection forwards.
            string Offered(ChurnBot viewer) => Expected(viewer);
            // A sliding second (bots send every 40 ms): a slot remapped while settling stops counting its old publisher.
            long Recent() => Math.Max(settled, Stopwatch.GetTimestamp() - Stopwatch.Frequency);
            bool Converged() => remaining.All(b => string.Join(",", b.ReceivingSince(Recent())) == Expected(b)
                && string.Join(",", b.OfferedTracks()) == Offered(b) && Matches(b.Client, meeting.MeetingId));
            var deadline = Stopwatch.StartNew();
            while (!Converged() && deadline.Elapsed < TimeSpan.FromSeconds(20))
                await Task.Delay(100);
            var report = string.Join("\n", remaining.Select(b =>
                $"{b.Name} {b.Id}: receiving [{string.Join(",", b.ReceivingSince(Recent()))}] offered [{string.Join(",", b.OfferedTracks())}] expected [{Expected(b)}] roster ok {Matches(b.Client, meeting.MeetingId)}"));
            TestContext.Out.WriteLine($"seed {seed}: {remaining.Count} bots, {publishers.Count} publishing ({publishers.Count(p => p.CameraOn)} with camera), " +
                $"converged {deadline.ElapsedMilliseconds} ms after the last action");
            Converged().Should().BeTrue($"seed {seed}:\n{report}\nscript:\n{string.Join("\n", log)}");
        }
        finally
        {
            await Task.WhenAll(bots.Select(b => b.DisposeAsync().AsTask()));
        }
    }
}

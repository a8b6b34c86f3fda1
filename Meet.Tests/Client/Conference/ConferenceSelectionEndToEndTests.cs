using System.Diagnostics;
using System.Globalization;
using Meet.Modules.Client;
using Meet.Modules.Storage;
using Meet.Tests.Support;

namespace Meet.Tests.Client.Conference;

// Issue 10 "Show", end to end over REST + SignalR + ICE/DTLS/SRTP with .NET clients: last-N video and
// top-3 audio as a subscriber actually receives them, and the speaker-change → first-frame latency.
// Bots send live audio levels and video; the server's 100 ms selection tick does the rest.
[TestFixture]
[NonParallelizable]
public sealed class ConferenceSelectionEndToEndTests
{
    private static readonly TimeSpan MediaTimeout = TimeSpan.FromSeconds(30);
    // Generous for a loaded 2-core machine; the measured p95 is far below (README performance section).
    private static readonly TimeSpan NewSpeakerVideoDeadline = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1.5);

    private MeetTestHost host = null!;
    private readonly List<MeetClient> clients = [];
    private BotClock? sending;

    [OneTimeSetUp]
    public async Task StartAsync() => host = await MeetTestHost.StartAsync(StorageProvider.Sqlite, settings: new Dictionary<string, string>
    {
        ["Media:LastN"] = "2",
    });

    [OneTimeTearDown]
    public async Task StopAsync() => await host.DisposeAsync();

    [TearDown]
    public async Task LeaveAsync()
    {
        if (sending is not null)
            await sending.DisposeAsync();
        sending = null;
        foreach (var client in clients)
            await client.DisposeAsync();
        clients.Clear();
    }

    [Test]
    public async Task With_last_n_two_a_subscriber_gets_two_videos_and_each_new_speaker_arrives_on_a_keyframe()
    {
        var (bots, subscribers) = await StartMeetingAsync(talkers: 4, camera: true, listeners: 1);
        var viewer = subscribers[^1];
        await EventuallyAsync(() => viewer.PacketsByPublisher().Count(p => p.Key.Kind == "video") >= 2, "the viewer receives video");
        (await viewer.PublishersDuringAsync("video", Window)).Should().HaveCount(2, "Media:LastN = 2 out of four cameras");

        // Nobody has talked: the set is the first two cameras in join order. Then round robin from the
        // third: with N = 2 the set is {speaker, previous speaker}, so the next talker's video is paused.
        var changes = int.TryParse(Environment.GetEnvironmentVariable("MEET_SPEAKER_CHANGES"), CultureInfo.InvariantCulture, out var n) ? n : 6;
        var samples = new SpeakerChangeSamples();
        for (var change = 0; change < changes; change++)
        {
            var previous = bots[(change + 1) % 4];
            var next = bots[(change + 2) % 4];
            previous.Level = TalkingBot.Silence;
            var start = Stopwatch.GetTimestamp();
            next.Level = TalkingBot.Speech;
            ReceivedStreams.Resume? resume = null;
            await EventuallyAsync(() => (resume = viewer.FirstResumeAfter(next.Id, "video", start)) is not null,
                $"change {change}: the new speaker's video comes back", NewSpeakerVideoDeadline);
            samples.Add(start, viewer.SpeakerAnnouncedAfter(next.Id, start), resume!.Value.Timestamp);
            resume.Value.KeyFrame.Should().BeTrue($"change {change}: a track that comes back starts on a keyframe");
            // Let the speaker settle (the detector holds a new speaker ~0.5 s) before the next change.
            await Task.Delay(TimeSpan.FromSeconds(1.2));
        }

        var received = await viewer.PublishersDuringAsync("video", Window);
        received.Should().HaveCount(2, "still exactly N after the churn").And.Contain(bots[(changes + 1) % 4].Id, "the current speaker is one of them");
        samples.Announced.Should().Be(changes, "every change is announced over signaling");
        TestContext.Out.WriteLine(samples.Describe("new speaker's first video packet"));
    }

    [Test]
    public async Task Five_talking_publishers_each_subscriber_hears_the_meetings_three_and_never_itself()
    {
        var (bots, subscribers) = await StartMeetingAsync(talkers: 5, camera: false, listeners: 1);
        foreach (var bot in bots)
            bot.Level = TalkingBot.Speech;
        var listener = subscribers[^1];
        await EventuallyAsync(() => listener.PacketsByPublisher().Count(p => p.Key.Kind == "audio") >= 3, "the listener hears speakers");
        await Task.Delay(TimeSpan.FromSeconds(1));

        var heard = await Task.WhenAll(subscribers.Select(s => s.PublishersDuringAsync("audio", Window)));
        var audible = heard[^1];
        audible.Should().HaveCount(3, "a listener gets exactly the meeting's three audible speakers, not five");
        audible.Should().BeSubsetOf(bots.Select(b => b.Id));
        for (var i = 0; i < bots.Count; i++)
        {
            heard[i].Should().NotContain(bots[i].Id, "nobody receives its own audio");
            heard[i].Should().BeEquivalentTo(audible.Where(id => id != bots[i].Id),
                "selection is per meeting: a talker hears the same three, minus itself when it is one of them");
        }
    }

    // Joins `talkers` bots (microphone, and camera when asked) plus `listeners` receive-only clients
    // and starts the shared send loop. Returns the bots and one ReceivedStreams per bot then listener.
    private async Task<(IReadOnlyList<TalkingBot> Bots, IReadOnlyList<ReceivedStreams> Subscribers)> StartMeetingAsync(int talkers, bool camera, int listeners)
    {
        var creator = NewClient();
        var meeting = await creator.CreateMeetingAsync("usr_host", "Conference selection");
        var bots = new List<TalkingBot>();
        var subscribers = new List<ReceivedStreams>();
        for (var i = 0; i < talkers; i++)
        {
            var client = i == 0 ? creator : NewClient();
            subscribers.Add(new ReceivedStreams(client));
            bots.Add(await TalkingBot.JoinAndPublishAsync(client, meeting.MeetingId, $"Talker {i}", 0x2000_0000u + (uint)(16 * i), camera));
        }
        for (var i = 0; i < listeners; i++)
        {
            var client = NewClient();
            subscribers.Add(new ReceivedStreams(client));
            await client.JoinAsync(meeting.MeetingId, $"Listener {i}", userId: $"usr_listener_{i}");
        }
        foreach (var subscriber in subscribers)
        {
            foreach (var bot in bots)
            {
                subscriber.Tag(bot.AudioTag, bot.Id, "audio");
                if (bot.VideoTag is { } video)
                    subscriber.Tag(video, bot.Id, "video");
            }
        }
        sending = BotClock.Start(tick =>
        {
            foreach (var bot in bots)
                bot.SendTick(tick);
        });
        // Bounded slots (the default): LastN (2) videos and the audible set, which holds at least two
        // others for anyone (three, less itself when it is one of them).
        var tracks = Math.Min(2, talkers - 1) * (camera ? 2 : 1);
        await EventuallyAsync(() => clients.All(c => c.Subscriber is { IsConnected: true } && c.RemoteTracks.Count >= tracks),
            "every subscriber PeerConnection is up with its slots assigned");
        return (bots, subscribers);
    }

    private MeetClient NewClient()
    {
        // The bots' publishers receive on threads of their own (the load generator's setting): a new
        // speaker's keyframe, which every change here waits for, answers a PLI read on that thread.
        var client = new MeetClient(new MeetClientOptions
        {
            BaseAddress = host.BaseAddress,
            Transport = SignalingTransport.SignalR,
            AnswerSubscriberOffers = true,
            PublisherReceiveThread = true,
        });
        clients.Add(client);
        return client;
    }

    private static Task EventuallyAsync(Func<bool> condition, string because, TimeSpan? timeout = null) =>
        Signaling.SignalingTestBase.EventuallyAsync(condition, because, (int)(timeout ?? MediaTimeout).TotalMilliseconds);
}

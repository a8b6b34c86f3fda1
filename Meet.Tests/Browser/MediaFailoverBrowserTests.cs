using System.Buffers.Binary;
using System.Diagnostics;
using Meet.Modules.Client;
using Meet.Modules.Client.Media;
using Meet.Modules.Signaling;
using Meet.Tests.Client;
using Meet.Tests.Support;
using Microsoft.Playwright;

namespace Meet.Tests.Browser;

// Issue 15, the seed's "meetings do not terminate if a media routing server crashes", in the web client:
// one signaling-only node and two media-only nodes, each a process on loopback (`Meet.Benchmarks
// cluster`, the nodes FailoverCommandTests runs), sharing a throwaway PostgreSQL. A Chromium participant
// and a .NET client publishing real VP8 are in a call on one media node; that node is killed with
// SIGKILL. The signaling node moves the meeting and sends MEDIA_RECONNECT { newNode }; the page builds
// new PeerConnections (failover.ts) and the .NET client republishes. Chromium decodes the .NET client's
// video again on a new inbound-rtp, the .NET client receives Chromium's camera and screen share again,
// Chromium's microphone (muted before the kill) stays muted, and neither roster ever showed anyone
// leaving. The gap each way is printed; only a generous bound is asserted.
public sealed class MediaFailoverBrowserTests : BrowserFixture
{
    private static readonly TimeSpan GapBound = TimeSpan.FromSeconds(10);
    private const uint BotSsrc = 0x5eed_0015;

    [Test]
    [CancelAfter(300_000)]
    public async Task Killing_the_media_node_moves_the_browser_and_the_dotnet_client_to_the_other_node_without_roster_churn()
    {
        var frames = await Vp8Clip.EncodeAsync(TempDirectory.Create("meet-vp8-failover-"), 60);
        var database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await using var cluster = await ClusterProcess.StartAsync(database);

        await using var bot = new FailoverBot(cluster.SignalingAddress);
        var meeting = await bot.Client.CreateMeetingAsync("usr_bot", "Chromium failover");
        await bot.Client.JoinAsync(meeting.MeetingId, "Bot", token: meeting.AccessToken);
        await bot.Client.PublishAsync([ClientMediaTrack.Vp8(bot.Client.ParticipantId!, "camera", BotSsrc)]);
        bot.StartSending(frames);

        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = cluster.SignalingAddress.ToString().TrimEnd('/'),
            Permissions = ["camera", "microphone"],
            ViewportSize = new ViewportSize { Width = 1280, Height = 720 },
        });
        var page = await context.NewPageAsync();
        await MeetPage.JoinFromLandingAsync(page, "Viewer", meeting.MeetingId);
        await MeetPage.WaitForStateAsync(page, MediaTimeout, "joined");
        var viewerId = (await MeetPage.ParticipantIdAsync(page))!;
        var botId = bot.Client.ParticipantId!;
        await WaitForAsync(async () => await DecodedAsync(page, botId) > 10, "Chromium decodes the bot's video before the kill", () => page);
        await WaitForAsync(() => Task.FromResult(bot.VideoPacketsFrom(viewerId) > 20), "the bot receives Chromium's video before the kill", () => page);

        // Sharing a screen before the kill: the share must be published on the new node too.
        await page.ClickAsync("#share-screen");
        await WaitForAsync(() => Task.FromResult(bot.VideoPacketsFrom(viewerId + "#screen") > 5), "the bot receives Chromium's screen before the kill", () => page);
        // Muted before the kill: the same (disabled) microphone track must be what the new node gets.
        await page.ClickAsync("#toggle-mic");
        await WaitForAsync(() => Task.FromResult(bot.Client.Participants.TryGetValue(viewerId, out var v) && v.AudioMuted), "the bot sees Chromium muted", () => page);
        var tracksBefore = await page.EvaluateAsync<string[]>("() => window.meet.publisherTracks()");
        var victim = await cluster.MediaNodeOfAsync(meeting.MeetingId);
        victim.Should().NotBeNull("the meeting has a media node");
        var survivor = cluster.MediaAddresses.Single(a => a != victim);
        var pageKilledAt = await page.EvaluateAsync<double>("() => performance.now()");
        bot.MarkKill();
        var killed = Stopwatch.GetTimestamp();
        await cluster.KillMediaNodeAsync(victim!);
        var killAnswered = Stopwatch.GetElapsedTime(killed);

        // Chromium: the same page, a new subscriber PeerConnection whose inbound-rtp decodes the bot again.
        TimeSpan? browserGap = null;
        await WaitForAsync(async () =>
        {
            if ((await MediaMovesAsync(page)).Count < 1 || await DecodedAsync(page, botId) <= 0)
                return false;
            browserGap ??= Stopwatch.GetElapsedTime(killed);
            return await DecodedAsync(page, botId) > 10;
        }, "Chromium decodes the bot's video again through the other node", () => page);
        await WaitForAsync(() => Task.FromResult(bot.FirstPacketAfterKill(viewerId) != 0), "the bot receives Chromium's video again through the other node", () => page);
        var botGap = Stopwatch.GetElapsedTime(killed, bot.FirstPacketAfterKill(viewerId));
        await WaitForAsync(() => Task.FromResult(bot.FirstPacketAfterKill(viewerId + "#screen") != 0), "the bot receives Chromium's screen share again through the other node", () => page);

        var moves = await MediaMovesAsync(page);
        var subscriberSdp = await page.EvaluateAsync<string>("() => window.meet.subscriberSdp()");
        await TestContext.Out.WriteLineAsync(
            $"failover gap (kill -> first frame decoded, polled every 50 ms): Chromium {browserGap!.Value.TotalMilliseconds:F0} ms; " +
            $"kill -> first Chromium video RTP at the .NET client {botGap.TotalMilliseconds:F0} ms; " +
            $"page (ms after the kill): MEDIA_RECONNECT {moves.StartedAt - pageKilledAt:F0}, publisher connected {moves.PublisherConnectedAt - pageKilledAt:F0}, subscriber connected {moves.SubscriberConnectedAt - pageKilledAt:F0}; " +
            $"moved from {victim} to {survivor}");
        await TestContext.Out.WriteLineAsync($"cluster answered the kill {killAnswered.TotalMilliseconds:F0} ms; " + Timeline(cluster, killed));

        browserGap.Value.Should().BeLessThan(GapBound);
        botGap.Should().BeLessThan(GapBound);
        moves.Count.Should().Be(1, "one kill, one move");
        subscriberSdp.Should().Contain($" {survivor} ", "the new subscriber PeerConnection is with the surviving node");
        (await MeetPage.StateAsync(page)).Should().Be("joined", "the page never left the meeting");
        (await page.EvaluateAsync<string[]>("() => window.meet.publisherTracks()")).Should().BeEquivalentTo(tracksBefore, "the same camera, microphone and screen tracks are published again");
        (await page.EvaluateAsync<bool>("() => window.meet.publisherAudioEnabled()")).Should().BeFalse("the microphone stays muted through the move");
        bot.Client.Participants[viewerId].AudioMuted.Should().BeTrue();
        (await MeetPage.ParticipantIdAsync(page)).Should().Be(viewerId);
        (await page.EvaluateAsync<string[]>("() => window.meet.departures")).Should().BeEmpty("Chromium's roster never showed anyone leaving");
        (await page.EvaluateAsync<string[]>("() => window.meet.roster().participants")).Should().Equal(botId);
        (await page.EvaluateAsync<string[]>("() => window.meet.remoteParticipants()")).Should().Equal([botId], "the bot's tile stayed");
        bot.Departures.Should().BeEmpty("the .NET client's roster never showed anyone leaving");
        bot.Client.Participants.Keys.Should().Equal(viewerId);
        bot.MediaMoves.Should().Be(1);
        await context.CloseAsync();
    }

    // The signaling node's side of the move, in ms after the kill (as this process read its log).
    private static string Timeline(ClusterProcess cluster, long killed)
    {
        string At(string marker) => cluster.LinesContaining(marker).Where(l => l.At >= killed).Select(l => $"{Stopwatch.GetElapsedTime(killed, l.At).TotalMilliseconds:F0} ms").FirstOrDefault() ?? "never";
        return $"signaling node: stream broke {At("broke: probing")}, probe failed {At("failed a probe")}, silent {At("silent for")}, moved {At("moved from media node")}: {cluster.LinesContaining("moved from media node").Where(l => l.At >= killed).Select(l => l.Line.Trim()).FirstOrDefault()}";
    }

    private static async Task<long> DecodedAsync(IPage page, string participantId) =>
        (await MeetPage.StatsAsync(page)).TryGetValue(participantId, out var stats) ? stats.FramesDecoded : 0;

    private static async Task<(int Count, double StartedAt, double CompletedAt, double PublisherConnectedAt, double SubscriberConnectedAt)> MediaMovesAsync(IPage page)
    {
        var state = await page.EvaluateAsync<System.Text.Json.JsonElement>("() => window.meet.mediaMoves()");
        static double Time(System.Text.Json.JsonElement value) => value.ValueKind == System.Text.Json.JsonValueKind.Number ? value.GetDouble() : double.NaN;
        return (state.GetProperty("count").GetInt32(), Time(state.GetProperty("startedAt")), Time(state.GetProperty("completedAt")),
            Time(state.GetProperty("publisherConnectedAt")), Time(state.GetProperty("subscriberConnectedAt")));
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what, Func<IPage> page)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(MediaTimeout.TotalSeconds * Stopwatch.Frequency);
        while (!await condition())
        {
            if (Stopwatch.GetTimestamp() > deadline)
                Assert.Fail($"Timed out: {what}. Page: {await page().InnerTextAsync("body")}");
            await Task.Delay(50);
        }
    }

    // The .NET participant: publishes the VP8 clip on whatever publisher PeerConnection it has now (a
    // failover gives it a new one), counts the Chromium video it receives, and remembers the first
    // packet through a subscriber PeerConnection made after the kill.
    private sealed class FailoverBot : IAsyncDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly List<string> departures = [];
        private readonly Dictionary<string, long> videoPackets = new(StringComparer.Ordinal);
        private object? subscriberAtKill;
        // Per source ("<participantId>" or "<participantId>#screen"): the first packet through a
        // subscriber PeerConnection made after the kill.
        private readonly Dictionary<string, long> firstAfterKill = new(StringComparer.Ordinal);
        private int mediaMoves;
        private Task sending = Task.CompletedTask;

        public FailoverBot(Uri signaling)
        {
            Client = new MeetClient(new MeetClientOptions { BaseAddress = signaling, Transport = SignalingTransport.SignalR, AnswerSubscriberOffers = true });
            Client.SubscriberRtpReceived += OnRtp;
            Client.MediaMoved += _ => Interlocked.Increment(ref mediaMoves);
            Client.ParticipantUpdated += update =>
            {
                if (update.Action == ParticipantUpdateMessage.Left)
                    lock (departures)
                        departures.Add(update.ParticipantId);
            };
        }

        public MeetClient Client { get; }

        public int MediaMoves => Volatile.Read(ref mediaMoves);

        public IReadOnlyList<string> Departures
        {
            get
            {
                lock (departures)
                    return [.. departures];
            }
        }

        public long VideoPacketsFrom(string participantId)
        {
            lock (videoPackets)
                return videoPackets.GetValueOrDefault(participantId);
        }

        public void MarkKill()
        {
            lock (videoPackets)
            {
                subscriberAtKill = Client.Subscriber;
                firstAfterKill.Clear();
            }
        }

        public long FirstPacketAfterKill(string source)
        {
            lock (videoPackets)
                return firstAfterKill.GetValueOrDefault(source);
        }

        public void StartSending(IReadOnlyList<byte[]> frames) => sending = Task.Run(() => SendAsync(frames));

        private async Task SendAsync(IReadOnlyList<byte[]> frames)
        {
            ushort sequence = 1;
            uint timestamp = 0;
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / Vp8Clip.FramesPerSecond));
            try
            {
                for (var i = 0; await timer.WaitForNextTickAsync(stop.Token); i++)
                {
                    var packets = Vp8Clip.Packetize(frames[i % frames.Count]).ToArray();
                    // The clip has a keyframe every 10 frames, so a new node's subscribers start within 0.7 s.
                    for (var p = 0; p < packets.Length; p++)
                        Client.Publisher?.SendRtp(BotSsrc, 96, sequence++, timestamp, p == packets.Length - 1, packets[p]);
                    timestamp += 90000 / Vp8Clip.FramesPerSecond;
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        private void OnRtp(ReadOnlySpan<byte> packet)
        {
            if (packet.Length < 12)
                return;
            var track = Client.RemoteTrackOf(BinaryPrimitives.ReadUInt32BigEndian(packet[8..]));
            if (track is not { Kind: "video" })
                return;
            var now = Stopwatch.GetTimestamp();
            var screen = Client.SlotAssignments.Any(s => s.Mid == track.Mid && s.Kind == "screen");
            var source = screen ? track.StreamId + "#screen" : track.StreamId;
            lock (videoPackets)
            {
                videoPackets[source] = videoPackets.GetValueOrDefault(source) + 1;
                if (subscriberAtKill is not null && Client.Subscriber is { } current && !ReferenceEquals(current, subscriberAtKill))
                    firstAfterKill.TryAdd(source, now);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await sending;
            await Client.DisposeAsync();
            stop.Dispose();
        }
    }
}

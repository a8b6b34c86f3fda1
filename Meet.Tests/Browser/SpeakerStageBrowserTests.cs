using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Meet.Modules.Client;
using Meet.Modules.Client.Media;
using Meet.Tests.Support;
using Microsoft.Playwright;

namespace Meet.Tests.Browser;

// Issue 10 as a browser sees it (getStats, not the server's word): last-N 2, four bot cameras (the .NET
// client) that talk by their RFC 6464 audio levels, and one Chromium subscriber that pins two of them.
// Its subscriber PeerConnection then receives bytes on exactly N + 1 video streams (the two pins and the
// speaker slot) and 3 audio streams (top-3), and when another bot starts talking, the speaker slot's
// decoded frames come from the new speaker within 2 s of the announcement. Each bot sends a real VP8
// clip at a size of its own, so the decoded frame size in getStats says whose frames the slot decodes.
public sealed partial class SpeakerStageBrowserTests : BrowserFixture
{
    private const int LastN = 2;
    private const byte Speech = 20;
    private const byte Silence = 127;
    private static readonly TimeSpan NewSpeakerDeadline = TimeSpan.FromSeconds(2);
    // Talk start -> new speaker decoded, through the detector's 350 ms rule, on a loaded machine.
    private static readonly TimeSpan TalkToFrameLimit = TimeSpan.FromSeconds(6);

    protected override IReadOnlyDictionary<string, string>? HostSettings => new Dictionary<string, string>
    {
        ["Media:LastN"] = LastN.ToString(CultureInfo.InvariantCulture),
    };

    [Test]
    public async Task A_subscriber_gets_n_plus_speaker_videos_and_three_audios_and_the_speaker_slot_follows_a_new_speaker()
    {
        var page = await Harness.NewParticipantAsync(Browser);
        await MeetPage.JoinFromLandingAsync(page, "Viewer", null);
        await MeetPage.WaitForStateAsync(page, MediaTimeout, "joined");
        await page.ClickAsync("#toggle-mic");
        var meetingId = MeetingIdPattern().Match(page.Url).Value;

        var directory = TempDirectory.Create("meet-stage-");
        var bots = new List<Bot>();
        BotClock? sending = null;
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var client = new MeetClient(new MeetClientOptions { BaseAddress = Harness.Host.BaseAddress, Transport = SignalingTransport.SignalR });
                var bot = new Bot(client, await Bot.EncodeClipAsync(directory, i), 160 + 32 * i, 0x4000_0000u + (uint)(16 * i));
                bots.Add(bot);
                await client.JoinAsync(meetingId, $"Bot {i}", userId: $"usr_stage_bot_{i}");
                bot.Publisher = await client.PublishAsync([
                    ClientMediaTrack.Opus(client.ParticipantId!, "mic", bot.AudioSsrc),
                    ClientMediaTrack.Vp8(client.ParticipantId!, "cam", bot.VideoSsrc),
                ]);
            }
            sending = BotClock.Start(tick =>
            {
                foreach (var bot in bots)
                    bot.SendTick(tick);
            });

            // Three bots talk together: they take the meeting's audible set (the page's muted microphone
            // drops out of it), and the page pins two of them, which fills its grid.
            foreach (var bot in bots.Take(3))
                bot.Level = Speech;
            await EventuallyAsync(async () => (await page.QuerySelectorAsync($"[data-pin='{bots[1].Id}']")) is not null, "the bots' tiles are shown");
            await page.ClickAsync($"[data-pin='{bots[0].Id}']");
            await page.ClickAsync($"[data-pin='{bots[1].Id}']");
            await Task.Delay(1500);
            foreach (var bot in bots.Take(2))
                bot.Level = Silence;

            // Bot 2 alone: the speaker. Not in the (pinned) grid, so the speaker slot carries it.
            await EventuallyAsync(async () => await StageAsync(page) is { FromSlot: true } stage && stage.ParticipantId == bots[2].Id,
                "the speaker stage shows bot 2 through the speaker slot");
            await EventuallyAsync(async () => (await FlowingAsync(page)).Count(s => s.Kind == "video") == LastN + 1,
                "video bytes flow on N + 1 streams");
            var flowing = await FlowingAsync(page);
            var stageMid = (await StageAsync(page))!.Mid;
            flowing.Where(s => s.Kind == "video").Should().HaveCount(LastN + 1, "the two pinned bots and the speaker slot, not the fourth camera");
            flowing.Where(s => s.Kind == "audio").Should().HaveCount(3, "top-3 audio: three of the four talking bots");
            flowing.Where(s => s.Kind == "video").Select(s => s.FrameWidth).Should().BeEquivalentTo(new[] { bots[0].Width, bots[1].Width, bots[2].Width },
                "the decoded sizes are the pinned bots' and the speaker's");
            flowing.Single(s => s.Mid == stageMid).FrameWidth.Should().Be(bots[2].Width, "the speaker slot decodes bot 2");

            // Bot 3 takes the floor: the speaker slot switches to it.
            var before = (await InboundAsync(page)).Single(s => s.Mid == stageMid).FramesDecoded;
            bots[2].Level = Silence;
            var talkStart = Stopwatch.GetTimestamp();
            bots[3].Level = Speech;
            long announced = 0;
            var deadline = Stopwatch.GetTimestamp() + (long)(TalkToFrameLimit.TotalSeconds * Stopwatch.Frequency);
            Stream? decoded = null;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                if (announced == 0 && await page.EvaluateAsync<string?>("() => window.meet.activeSpeaker") == bots[3].Id)
                    announced = Stopwatch.GetTimestamp();
                var slot = (await InboundAsync(page)).Single(s => s.Mid == stageMid);
                if (slot.FrameWidth == bots[3].Width && slot.FramesDecoded > before)
                {
                    decoded = slot;
                    break;
                }
                await Task.Delay(50);
            }
            var decodedAt = Stopwatch.GetTimestamp();
            decoded.Should().NotBeNull($"the speaker slot decodes bot 3's frames within {TalkToFrameLimit.TotalSeconds} s of its first word");
            announced.Should().NotBe(0, "the page was told about the new speaker");
            var samples = new SpeakerChangeSamples();
            samples.Add(talkStart, announced, decodedAt);
            TestContext.Out.WriteLine(samples.Describe("bot 3 decoded in the speaker slot"));
            samples.LastAnnouncedToFrame.Should().BeLessThan(NewSpeakerDeadline, "the speaker slot follows the speaker change within 2 s");
            (await StageAsync(page)).Should().Be(new StageState(bots[3].Id, true, stageMid), "the stage shows bot 3 from the same slot");
            flowing = await FlowingAsync(page);
            flowing.Where(s => s.Kind == "video").Should().HaveCount(LastN + 1, "still N + 1 videos after the change");
            flowing.Where(s => s.Kind == "audio").Should().HaveCount(3);
        }
        finally
        {
            if (sending is not null)
                await sending.DisposeAsync();
            foreach (var bot in bots)
                await bot.Client.DisposeAsync();
            await page.Context.CloseAsync();
        }
    }

    private sealed record StageState(string ParticipantId, bool FromSlot, string? Mid);

    private sealed record Stream(string Mid, string Kind, long BytesReceived, long FramesDecoded, int FrameWidth);

    private static async Task<StageState?> StageAsync(IPage page)
    {
        var json = await page.EvaluateAsync<string>("() => JSON.stringify(window.meet.speakerStage())");
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return root.ValueKind == JsonValueKind.Null ? null
            : new StageState(root.GetProperty("participantId").GetString()!, root.GetProperty("fromSlot").GetBoolean(), root.GetProperty("mid").GetString());
    }

    private static async Task<IReadOnlyList<Stream>> InboundAsync(IPage page)
    {
        var json = await page.EvaluateAsync<string>("async () => JSON.stringify(await window.meet.inboundStreams())");
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(s => new Stream(s.GetProperty("mid").GetString()!, s.GetProperty("kind").GetString()!,
            s.GetProperty("bytesReceived").GetInt64(), s.GetProperty("framesDecoded").GetInt64(), s.GetProperty("frameWidth").GetInt32()))];
    }

    // The inbound streams whose bytes grew over one second (an idle or paused slot's do not).
    private static async Task<IReadOnlyList<Stream>> FlowingAsync(IPage page)
    {
        var first = (await InboundAsync(page)).ToDictionary(s => s.Mid);
        await Task.Delay(1000);
        return [.. (await InboundAsync(page)).Where(s => s.BytesReceived > (first.TryGetValue(s.Mid, out var earlier) ? earlier.BytesReceived : 0))];
    }

    private static Task EventuallyAsync(Func<Task<bool>> condition, string because) => BrowserWait.UntilAsync(condition, MediaTimeout, because);

    [GeneratedRegex("mtg-[^/?#]+")]
    private static partial Regex MeetingIdPattern();

    // A bot camera and microphone: every frame of its clip is a keyframe (ffmpeg -g 1), so whichever
    // frame a remapped slot starts on decodes, and each bot's frames have their own width.
    private sealed class Bot(MeetClient client, IReadOnlyList<byte[]> frames, int width, uint ssrcBase)
    {
        private readonly byte[] _payload = new byte[1200];
        private ushort _audioSequence;
        private ushort _videoSequence;
        private int _frame;

        public MeetClient Client { get; } = client;

        public ClientPeerConnection? Publisher { get; set; }

        public string Id => Client.ParticipantId!;

        public int Width { get; } = width;

        public uint AudioSsrc { get; } = ssrcBase;

        public uint VideoSsrc { get; } = ssrcBase + 1;

        public byte Level { get; set; } = Silence;

        public static async Task<IReadOnlyList<byte[]>> EncodeClipAsync(string directory, int index)
        {
            var width = 160 + 32 * index;
            var height = width * 3 / 4;
            var path = Path.Combine(directory, $"bot{index}.ivf");
            await ProcessRunner.RunAsync("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                "-i", $"testsrc=size={width}x{height}:rate=10", "-frames:v", "20", "-pix_fmt", "yuv420p",
                "-c:v", "libvpx", "-b:v", "200k", "-g", "1", "-deadline", "realtime", "-f", "ivf", path);
            return Meet.Tests.Client.Vp8Clip.ReadIvf(await File.ReadAllBytesAsync(path));
        }

        // 20 ms audio at the bot's level; a video frame every 100 ms.
        public void SendTick(int tick)
        {
            if (Publisher is not { } publisher)
                return;
            publisher.SendRtp(AudioSsrc, 111, _audioSequence++, (uint)tick * 960, false, new byte[60], Level);
            if (tick % 5 != 0)
                return;
            var frame = frames[_frame++ % frames.Count];
            var count = Vp8Packetizer.GetPacketCount(frame.Length, _payload.Length);
            for (var i = 0; i < count; i++)
            {
                var length = Vp8Packetizer.WritePayload(frame, i, _payload.Length, _payload);
                publisher.SendRtp(VideoSsrc, 96, _videoSequence++, (uint)tick * 1800, i == count - 1, _payload.AsSpan(0, length));
            }
        }
    }
}

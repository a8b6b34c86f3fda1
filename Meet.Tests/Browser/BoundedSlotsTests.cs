using System.Text.Json;
using System.Text.RegularExpressions;
using Meet.Modules.Client;
using Meet.Modules.Client.Media;
using Meet.Modules.Media;
using Microsoft.Playwright;

namespace Meet.Tests.Browser;

// Issue 10, bounded subscriber slots (Media:BoundedSlots): two Chromium participants and 30 bots (the
// .NET client, each publishing a camera and a microphone) in one meeting. Each browser's subscriber
// PeerConnection holds LastN grid video + 1 speaker video + 3 audio m-sections whatever the meeting's
// size, the 30 joins renegotiate neither browser (the SDP's o= version does not move), and the slots show
// whoever the SFU maps onto them — the other browser's camera decodes through a slot. A click on a
// tile's pin button brings that participant into a grid slot, again without renegotiation.
[Category("Browser")]
[NonParallelizable]
public sealed partial class BoundedSlotsTests
{
    private const int LastN = 4;
    private const int Bots = 30;
    private static readonly TimeSpan MediaTimeout = TimeSpan.FromSeconds(60);

    [Test]
    public async Task Thirty_bots_join_without_renegotiating_the_browsers_whose_sdp_stays_at_n_plus_four_sections_and_a_pin_takes_a_slot()
    {
        await using var harness = await BrowserHarness.StartAsync(new Dictionary<string, string>
        {
            ["Media:BoundedSlots"] = "true",
            ["Media:LastN"] = LastN.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var browser = await harness.LaunchAsync();
        var a = await harness.NewParticipantAsync(browser);
        await MeetPage.JoinFromLandingAsync(a, "Alice", null);
        var b = await harness.NewParticipantAsync(browser);
        await MeetPage.JoinFromLandingAsync(b, "Bob", a.Url);
        await MeetPage.WaitForStateAsync(a, MediaTimeout, "joined");
        await MeetPage.WaitForStateAsync(b, MediaTimeout, "joined");
        var bobId = (await MeetPage.ParticipantIdAsync(b))!;

        // Bob's camera reaches Alice through a slot (stats are keyed by the participant the slot shows).
        await EventuallyAsync(async () => (await MeetPage.StatsAsync(a)).TryGetValue(bobId, out var s) && s.FramesDecoded > 0,
            "Alice decodes Bob's camera through a bounded slot");
        var before = new[] { await SdpAsync(a), await SdpAsync(b) };
        foreach (var sdp in before)
            (Sections(sdp, "video"), Sections(sdp, "audio")).Should().Be((LastN + 1, 3), "N grid slots and the speaker slot");

        var meetingId = Regex.Match(a.Url, "mtg-[^/?#]+").Value;
        var bots = new List<MeetClient>();
        try
        {
            for (var batch = 0; batch < Bots; batch += 6)
            {
                await Task.WhenAll(Enumerable.Range(batch, Math.Min(6, Bots - batch)).Select(async i =>
                {
                    var bot = new MeetClient(new MeetClientOptions { BaseAddress = harness.Host.BaseAddress, Transport = SignalingTransport.SignalR });
                    lock (bots)
                        bots.Add(bot);
                    await bot.JoinAsync(meetingId, $"Bot {i}", userId: $"usr_bot_{i}");
                    await bot.PublishAsync([
                        ClientMediaTrack.Opus(bot.ParticipantId!, "mic", 0x1000_0000u + (uint)(2 * i)),
                        ClientMediaTrack.Vp8(bot.ParticipantId!, "cam", 0x1000_0001u + (uint)(2 * i)),
                    ]);
                }));
            }
            var media = harness.Host.Get<IMediaModule>();
            await EventuallyAsync(() => Task.FromResult(media.GetResourceCounts().Producers >= 2 * Bots + 4), "every bot's camera and microphone are producers");
            await Task.Delay(1000);

            var after = new[] { await SdpAsync(a), await SdpAsync(b) };
            for (var i = 0; i < 2; i++)
            {
                (Sections(after[i], "video"), Sections(after[i], "audio")).Should().Be((LastN + 1, 3), "the m-section count does not grow with the meeting");
                SessionVersion(after[i]).Should().Be(SessionVersion(before[i]), "no bot's join renegotiated the browser");
            }
            var slots = await SlotsAsync(a);
            var kinds = MidKinds(after[0]);
            var video = slots.Where(s => kinds[s.Key] == "video" && s.Value is not null).Select(s => s.Value).ToList();
            video.Should().OnlyHaveUniqueItems().And.HaveCount(LastN, "every video slot shows someone: there are more cameras than slots");
            // The meeting's top 3 minus Alice herself when she is one of them.
            var audio = slots.Where(s => kinds[s.Key] == "audio" && s.Value is not null).Select(s => s.Value).ToList();
            audio.Should().OnlyHaveUniqueItems().And.HaveCountGreaterThanOrEqualTo(2).And.HaveCountLessThanOrEqualTo(3);

            // Pinning (pins.ts): Alice pins a bot whose camera no slot shows; it takes a grid slot.
            var outside = bots.Select(bot => bot.ParticipantId!).First(id => !video.Contains(id));
            await a.ClickAsync($"[data-pin='{outside}']");
            await EventuallyAsync(async () => (await SlotsAsync(a)).Any(s => kinds[s.Key] == "video" && s.Value == outside),
                "the pinned bot's camera comes into one of Alice's grid slots");
            (await a.GetAttributeAsync($"[data-pin='{outside}']", "aria-pressed")).Should().Be("true");
            (await a.EvaluateAsync<string[]>("() => window.meet.pinned()")).Should().Equal(outside);
            SessionVersion(await SdpAsync(a)).Should().Be(SessionVersion(before[0]), "a pin remaps a slot, it does not renegotiate");
        }
        finally
        {
            foreach (var bot in bots)
                await bot.DisposeAsync();
        }
    }

    private static Task<string> SdpAsync(IPage page) => page.EvaluateAsync<string>("() => window.meet.subscriberSdp()");

    private static async Task<Dictionary<string, string?>> SlotsAsync(IPage page)
    {
        var json = await page.EvaluateAsync<string>("() => JSON.stringify(window.meet.slots())");
        return JsonSerializer.Deserialize<Dictionary<string, string?>>(json)!;
    }

    // mid -> "audio" / "video", from the m-lines and the a=mid under each.
    private static Dictionary<string, string> MidKinds(string sdp)
    {
        var kinds = new Dictionary<string, string>();
        string? media = null;
        foreach (var line in sdp.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (line.StartsWith("m=", StringComparison.Ordinal))
                media = line[2..line.IndexOf(' ', StringComparison.Ordinal)];
            else if (line.StartsWith("a=mid:", StringComparison.Ordinal) && media is not null)
                kinds[line["a=mid:".Length..]] = media;
        }
        return kinds;
    }

    private static int Sections(string sdp, string media) => sdp.Split('\n').Count(l => l.StartsWith($"m={media} ", StringComparison.Ordinal));

    private static string SessionVersion(string sdp) => OriginLine().Match(sdp).Groups[1].Value;

    [GeneratedRegex(@"^o=\S+ \S+ (\d+)", RegexOptions.Multiline)]
    private static partial Regex OriginLine();

    private static Task EventuallyAsync(Func<Task<bool>> condition, string because) => BrowserWait.UntilAsync(condition, MediaTimeout, because);
}

using System.Text.Json;
using Meet.Modules.Media.Internal;
using Microsoft.Playwright;

namespace Meet.Tests.Browser;

// Issue 10, screen sharing: one Chromium shares its (fake) screen with getDisplayMedia; the other
// decodes it at >= 1280 px width while the sharer's camera keeps going; a second share while the
// first runs is refused (409 screen_share_limit) and the page says so; stopping ends the share.
public sealed class ScreenShareBrowserTests : BrowserFixture
{
    [Test]
    public async Task A_shared_screen_is_decoded_large_by_the_other_while_the_camera_keeps_going_and_a_second_share_is_refused()
    {
        var browser = await Harness.LaunchAsync(true, "--auto-select-desktop-capture-source=Entire screen");
        var sharer = await Harness.NewParticipantAsync(browser);
        await MeetPage.JoinFromLandingAsync(sharer, "Sharer", null);
        var viewer = await Harness.NewParticipantAsync(browser);
        await MeetPage.JoinFromLandingAsync(viewer, "Viewer", sharer.Url);
        await MeetPage.WaitForStateAsync(sharer, MediaTimeout, "joined");
        await MeetPage.WaitForStateAsync(viewer, MediaTimeout, "joined");
        var sharerId = (await MeetPage.ParticipantIdAsync(sharer))!;
        await EventuallyAsync(async () => (await StatsAsync(viewer)).TryGetValue(sharerId, out var s) && s.FramesDecoded > 0, "the sharer's camera decodes");

        (await sharer.Locator("#share-screen svg").CountAsync()).Should().Be(1, "the share button is an icon with its label, like the rest of the toolbar");
        await sharer.ClickAsync("#share-screen");
        try
        {
            await EventuallyAsync(async () => (await StatsAsync(viewer)).TryGetValue(sharerId + "#screen", out var s) && s.FramesDecoded > 0 && s.FrameWidth >= 1280,
                "the viewer decodes the share at >= 1280 px width");
        }
        catch (TimeoutException e)
        {
            var stats = await viewer.EvaluateAsync<string>("async () => JSON.stringify(await window.meet.stats())");
            var sdp = await viewer.EvaluateAsync<string>("() => window.meet.subscriberSdp()");
            var producers = string.Join(",", Harness.Host.Get<MediaModule>().FindRouter(Regex(sharer.Url))!.Members.SelectMany(m => m.Publishing.Producers)
                .Select(p => $"{p.ParticipantId[..4]}/{p.Mid}/{p.Kind}/screen={p.IsScreen}"));
            throw new TimeoutException($"{e.Message}: producers {producers}; viewer stats {stats}; sharer status '{await sharer.InnerTextAsync("#status")}', "
                + $"button '{await sharer.InnerTextAsync("#share-screen")}'; viewer's subscriber SDP content lines: "
                + string.Join(" | ", sdp.Split('\n').Where(l => l.StartsWith("m=") || l.StartsWith("a=content") || l.StartsWith("a=msid"))), e);
        }
        var camera = (await StatsAsync(viewer))[sharerId].FramesDecoded;
        await EventuallyAsync(async () => (await StatsAsync(viewer))[sharerId].FramesDecoded > camera + 10, "the sharer's camera keeps going beside the share");
        (await viewer.IsVisibleAsync("#screen-stage video")).Should().BeTrue("the share is shown large");
        (await sharer.GetAttributeAsync("#share-screen", "aria-label")).Should().Be("Stop sharing");
        // Issue 13: the viewer's people panel marks the sharer (screen icon), and unmarks it when the share stops.
        await viewer.ClickAsync("#toggle-people");
        var sharerRow = $"#roster-panel li.roster-row[data-participant-id='{sharerId}']";
        await EventuallyAsync(async () => await viewer.GetAttributeAsync(sharerRow, "data-screen-sharing") == "true"
            && await viewer.Locator($"{sharerRow} svg[aria-label='sharing screen']").CountAsync() == 1, "the viewer's roster shows the share");

        await viewer.ClickAsync("#share-screen");
        await EventuallyAsync(async () => (await viewer.InnerTextAsync("#status")).Contains("already sharing", StringComparison.Ordinal),
            "the second share is refused and the page says so");
        (await viewer.GetAttributeAsync("#share-screen", "aria-pressed")).Should().Be("false");

        await sharer.ClickAsync("#share-screen");
        var media = Harness.Host.Get<MediaModule>();
        await EventuallyAsync(() => Task.FromResult(media.FindRouter(Regex(sharer.Url))?.Members.All(m => m.Publishing.Producers.All(p => !p.IsScreen)) ?? false),
            "stopping closes the share's producer");
        await EventuallyAsync(async () => await viewer.GetAttributeAsync(sharerRow, "data-screen-sharing") == "false", "the viewer's roster shows the share ended");
        await sharer.Context.CloseAsync();
        await viewer.Context.CloseAsync();
    }

    private static string Regex(string url) => System.Text.RegularExpressions.Regex.Match(url, "mtg-[^/?#]+").Value;

    private sealed record Stats(long FramesDecoded, long FrameWidth);

    private static async Task<Dictionary<string, Stats>> StatsAsync(IPage page)
    {
        var text = await page.EvaluateAsync<string>("async () => JSON.stringify(window.meet ? await window.meet.stats() : {})");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name,
            p => new Stats(p.Value.GetProperty("framesDecoded").GetInt64(), p.Value.GetProperty("frameWidth").GetInt64()));
    }

    private static Task EventuallyAsync(Func<Task<bool>> condition, string because) => BrowserWait.UntilAsync(condition, MediaTimeout, because);
}

using System.Diagnostics;
using Microsoft.Playwright;

namespace Meet.Tests.Browser;

// What the cluster browser tests (MediaFailoverBrowserTests, SignalingFailoverBrowserTests) do with
// their Chromium pages: join through a given node, read decoded frames, and poll a condition that
// spans several pages (the failure names what every page showed).
internal static class ClusterPages
{
    public static async Task<IPage> JoinAsync(IBrowser browser, Uri node, string name, string meetingId, TimeSpan timeout, int width = 1280, int height = 720)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = node.ToString().TrimEnd('/'),
            Permissions = ["camera", "microphone"],
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        var page = await context.NewPageAsync();
        await MeetPage.JoinFromLandingAsync(page, name, meetingId);
        await MeetPage.WaitForStateAsync(page, timeout, "joined");
        return page;
    }

    public static async Task<long> DecodedAsync(IPage page, string participantId) =>
        (await MeetPage.StatsAsync(page)).TryGetValue(participantId, out var stats) ? stats.FramesDecoded : 0;

    // Polls every 50 ms.
    public static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, params IPage[] pages)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!await condition())
        {
            if (Stopwatch.GetTimestamp() > deadline)
                Assert.Fail($"Timed out: {what}. Pages: {string.Join(" | ", await Task.WhenAll(pages.Select(p => p.InnerTextAsync("body"))))}");
            await Task.Delay(50);
        }
    }
}

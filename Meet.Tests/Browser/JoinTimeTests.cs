using System.Globalization;
using Microsoft.Playwright;

namespace Meet.Tests.Browser;

// Join time as the user feels it: from the meeting page's join request (REST join, camera start,
// SignalR, both PeerConnections) to the first decoded frame of a remote participant's video, read
// from the page's own clock (window.meet.joinStartedAt / firstRemoteFrameAt). Repeated joins into
// a meeting where one participant is already publishing; p50/p95 go to the test output
// (docs/web-client.md). MEET_JOIN_SAMPLES overrides the sample count.
[Category("Browser")]
[NonParallelizable]
public sealed class JoinTimeTests
{
    [Test]
    public async Task Every_join_decodes_remote_video_and_the_join_time_is_reported()
    {
        var samples = int.TryParse(Environment.GetEnvironmentVariable("MEET_JOIN_SAMPLES"), out var n) && n > 0 ? n : 8;
        await using var harness = await BrowserHarness.StartAsync();
        var browser = await harness.LaunchAsync();
        var alice = await harness.NewParticipantAsync(browser);
        await MeetPage.JoinFromLandingAsync(alice, "Alice", link: null);
        await MeetPage.WaitForStateAsync(alice, TimeSpan.FromSeconds(20), "joined");
        var meetingPath = new Uri(alice.Url).AbsolutePath;

        var times = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            var page = await harness.NewParticipantAsync(browser);
            await page.Context.AddInitScriptAsync("localStorage.setItem('meet.name', 'Joiner')");
            await page.GotoAsync(meetingPath);
            times.Add(await WaitForFirstFrameAsync(page));
            await page.Context.CloseAsync();
        }

        times.Should().HaveCount(samples).And.OnlyContain(t => t > 0);
        times.Sort();
        var line = string.Format(CultureInfo.InvariantCulture, "join time over {0} joins: p50 {1:F0} ms, p95 {2:F0} ms, min {3:F0} ms, max {4:F0} ms",
            samples, Percentile(times, 0.50), Percentile(times, 0.95), times[0], times[^1]);
        TestContext.Out.WriteLine(line);
        TestContext.Progress.WriteLine(line);
    }

    private static async Task<double> WaitForFirstFrameAsync(IPage page)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var elapsed = await page.EvaluateAsync<double?>(
                "() => window.meet && window.meet.firstRemoteFrameAt !== null ? window.meet.firstRemoteFrameAt - window.meet.joinStartedAt : null");
            if (elapsed is not null)
                return elapsed.Value;
            await Task.Delay(50);
        }
        Assert.Fail("No remote video frame after joining: " + await page.InnerTextAsync("body"));
        return 0;
    }

    // Nearest-rank percentile of a sorted list.
    private static double Percentile(List<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}

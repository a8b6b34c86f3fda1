using System.Globalization;
using Microsoft.Playwright;

namespace Meet.Tests.Browser;

// Join time as the user feels it: from the meeting page's join request (REST join, camera start,
// SignalR, both PeerConnections) to the first decoded frame of a remote participant's video, read
// from the page's own clock (window.meet.joinStartedAt / firstRemoteFrameAt). Repeated joins into
// a meeting where one Chromium participant is already publishing; p50/p95 go to the test output
// (docs/web-client.md, docs/interop.md). MEET_JOIN_SAMPLES overrides the sample count.
// Issue 12 adds the joiner in Firefox, and Chromium over ICE-TCP (UDP dropped at the SFU) and over
// a TURN relay (coturn, iceTransportPolicy 'relay').
[Category("Browser")]
[NonParallelizable]
public sealed class JoinTimeTests
{
    private static int Samples(int byDefault) =>
        int.TryParse(Environment.GetEnvironmentVariable("MEET_JOIN_SAMPLES"), out var n) && n > 0 ? n : byDefault;

    [Test]
    public async Task Every_join_decodes_remote_video_and_the_join_time_is_reported()
    {
        await using var harness = await BrowserHarness.StartAsync();
        var browser = await harness.LaunchAsync();
        await MeasureAsync(harness, browser, "Chromium", Samples(8), async () => new ChromiumParticipantPage(await harness.NewParticipantAsync(browser)));
    }

    // Issue 16: the same in an end-to-end encrypted meeting created from the landing page (its key in
    // the link's fragment): every joiner decrypts; compare the figures with the plain Chromium test's.
    [Test]
    public async Task Every_join_of_an_encrypted_meeting_decodes_remote_video_and_the_join_time_is_reported()
    {
        await using var harness = await BrowserHarness.StartAsync();
        var browser = await harness.LaunchAsync();
        await MeasureAsync(harness, browser, "Chromium, end-to-end encrypted", Samples(5), async () => new ChromiumParticipantPage(await harness.NewParticipantAsync(browser)), e2ee: true);
    }

    [Test]
    public async Task Every_firefox_join_decodes_remote_video_and_the_join_time_is_reported()
    {
        await using var harness = await BrowserHarness.StartAsync();
        var browser = await harness.LaunchAsync();
        await using var firefox = await FirefoxBrowser.LaunchAsync(harness.BaseUrl);
        await MeasureAsync(harness, browser, "Firefox", Samples(5), async () => await firefox.NewParticipantAsync());
    }

    [Test]
    public async Task Every_join_over_ice_tcp_decodes_remote_video_and_the_join_time_is_reported()
    {
        await using var harness = await BrowserHarness.StartAsync(new Dictionary<string, string>
        {
            ["PacketEngine:FaultInjection:Enabled"] = "true",
            ["PacketEngine:FaultInjection:Protocol"] = "Udp",
            ["PacketEngine:FaultInjection:LossRate"] = "1",
        });
        var browser = await harness.LaunchAsync();
        await MeasureAsync(harness, browser, "Chromium over ICE-TCP", Samples(5), async () => new ChromiumParticipantPage(await harness.NewParticipantAsync(browser)));
    }

    [Test]
    public async Task Every_join_through_turn_decodes_remote_video_and_the_join_time_is_reported()
    {
        await using var turn = await CoturnServer.StartAsync();
        await using var harness = await BrowserHarness.StartAsync(new Dictionary<string, string>
        {
            ["Turn:Urls:0"] = turn.UdpUrl,
            ["Turn:StaticAuthSecret"] = CoturnServer.Secret,
        });
        var browser = await harness.LaunchAsync();
        await MeasureAsync(harness, browser, "Chromium through TURN (relay only)", Samples(5), async () =>
        {
            var page = await harness.NewParticipantAsync(browser);
            await page.Context.AddInitScriptAsync(RestrictedNetworkCallTests.ForceRelay);
            return new ChromiumParticipantPage(page);
        });
    }

    private static async Task MeasureAsync(BrowserHarness harness, IBrowser browser, string label, int samples, Func<Task<IParticipantPage>> newJoiner, bool e2ee = false)
    {
        var alice = await harness.NewParticipantAsync(browser);
        await MeetPage.JoinFromLandingAsync(alice, "Alice", link: null, e2ee);
        await MeetPage.WaitForStateAsync(alice, TimeSpan.FromSeconds(20), "joined");
        // An encrypted meeting's link carries its key in the fragment.
        var meetingPath = new Uri(alice.Url).AbsolutePath + new Uri(alice.Url).Fragment;
        if (e2ee)
            meetingPath.Should().MatchRegex("#key=[A-Za-z0-9_-]{43}$");

        var times = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            await using var page = await newJoiner();
            await page.GotoAsync("/");
            await page.EvaluateAsync<bool>("() => { localStorage.setItem('meet.name', 'Joiner'); return true; }");
            await page.GotoAsync(meetingPath);
            times.Add(await WaitForFirstFrameAsync(page));
        }

        times.Should().HaveCount(samples).And.OnlyContain(t => t > 0);
        times.Sort();
        var line = string.Format(CultureInfo.InvariantCulture, "{0}: join time over {1} joins: p50 {2:F0} ms, p95 {3:F0} ms, min {4:F0} ms, max {5:F0} ms",
            label, samples, Percentile(times, 0.50), Percentile(times, 0.95), times[0], times[^1]);
        TestContext.Out.WriteLine(line);
        TestContext.Progress.WriteLine(line);
        await alice.Context.CloseAsync();
    }

    private static async Task<double> WaitForFirstFrameAsync(IParticipantPage page)
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
        Assert.Fail($"{page.Browser}: no remote video frame after joining: " + await page.EvaluateAsync<string>("() => document.body.innerText"));
        return 0;
    }

    // Nearest-rank percentile of a sorted list.
    private static double Percentile(List<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}

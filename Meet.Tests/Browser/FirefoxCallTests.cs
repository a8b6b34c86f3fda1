using Meet.Modules.Media;
using Meet.Modules.Media.Internal;
using Meet.Modules.Media.Routing;

namespace Meet.Tests.Browser;

// Issue 12: Firefox ESR joins through the meeting page with its max-bundle offer (port 0 +
// a=bundle-only sections, DTLS 1.3 ClientHello answered with DTLS 1.2, rid-only simulcast) and calls
// Firefox and Chromium participants, with and without simulcast; each side decodes video and
// receives audio. Adaptive media (issue 11) with the other implementation: Firefox's simulcast is switched
// and paused by a Chromium subscriber's tile, and Firefox's own transport-cc feedback drives its downlink
// estimate. One host, one Chromium and one Firefox for the whole fixture.
public sealed class FirefoxCallTests : BrowserFixture
{
    private FirefoxBrowser firefox = null!;

    [OneTimeSetUp]
    public async Task StartFirefoxAsync() => firefox = await FirefoxBrowser.LaunchAsync(Harness.BaseUrl);

    [OneTimeTearDown]
    public async Task StopFirefoxAsync() => await firefox.DisposeAsync();

    [TestCase(true)]
    [TestCase(false)]
    public async Task Firefox_and_firefox_see_and_hear_each_other(bool simulcast)
    {
        await CallAsync(simulcast, await firefox.NewParticipantAsync(), await firefox.NewParticipantAsync());
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Firefox_and_chromium_see_and_hear_each_other(bool simulcast)
    {
        await CallAsync(simulcast, await firefox.NewParticipantAsync(), new ChromiumParticipantPage(await Harness.NewParticipantAsync(Browser)));
    }

    [Test]
    public async Task Firefox_simulcast_follows_a_chromium_tile_and_firefox_feedback_drives_its_own_estimate()
    {
        var generous = TimeSpan.FromSeconds(40);
        var media = Harness.Host.Get<MediaModule>();
        var (meetingId, _, _) = await Harness.CreateMeetingAsync();
        await using var fox = await firefox.NewParticipantAsync();
        var chromePage = await Harness.NewParticipantAsync(Browser);
        await using var chrome = new ChromiumParticipantPage(chromePage);
        var foxId = await ParticipantPages.JoinAsync(fox, meetingId, "Firefox", simulcast: true);
        var chromeId = await ParticipantPages.JoinAsync(chrome, meetingId, "Chromium", simulcast: true);
        var small = await chromePage.AddStyleTagAsync(new() { Content = ".tile video { width: 160px !important; height: 90px !important; }" });

        // 1. Chromium's 160x90 tile: the SFU forwards Firefox's lowest layer and dynacast pauses the two
        // above it at Firefox (RTCRtpSender.setParameters there).
        var fromFox = media.FindMember(meetingId, chromeId)!.Subscribing.Consumers.Single(c => c.Producer.Kind == MediaKind.Video);
        var foxCamera = fromFox.Producer;
        await BrowserWait.UntilAsync(() => fromFox.TargetLayer == 0 && fromFox.CurrentLayer == 0, generous,
            () => $"the small tile gets Firefox's lowest layer (target {fromFox.TargetLayer}, current {fromFox.CurrentLayer})");
        await BrowserWait.UntilAsync(() => foxCamera.Layers[2].DynacastPaused, generous, () => "Firefox's top layer is paused");
        await ParticipantPages.ExpectMediaFromAsync(chrome, foxId);

        // 2. A large tile: Firefox resumes its upper layers and the SFU switches up on their key frame as
        // Chromium's estimate allows; the video keeps decoding through the switch.
        await small.EvaluateAsync("e => e.remove()");
        await chromePage.AddStyleTagAsync(new() { Content = AdaptiveMediaTests.LargeTiles });
        var chromeDownlink = media.FindMember(meetingId, chromeId)!.Subscriber.Downlink!;
        await BrowserWait.UntilAsync(() => fromFox.CurrentLayer > 0, generous,
            () => $"a higher Firefox layer reaches Chromium (current {fromFox.CurrentLayer}, estimate {chromeDownlink.Estimate:N0} bps, layers arriving up to {foxCamera.BestLayer})");
        foxCamera.Layers[2].DynacastPaused.Should().BeFalse("a large tile wants the top layer");
        await ParticipantPages.ExpectMediaFromAsync(chrome, foxId);

        // 3. Firefox as subscriber: it answered transport-cc, its feedback reaches the estimator, the
        // estimate climbs past what Chromium's 360p layer needs, and the SFU forwards above 180p.
        var foxDownlink = media.FindMember(meetingId, foxId)!.Subscriber.Downlink!;
        var fromChrome = media.FindMember(meetingId, foxId)!.Subscribing.Consumers.Single(c => c.Producer.Kind == MediaKind.Video);
        await BrowserWait.UntilAsync(() => foxDownlink.HasFeedback && foxDownlink.Estimate > 600_000 && fromChrome.CurrentLayer > 0, generous,
            () => $"Firefox's feedback drives its estimate (feedback {foxDownlink.HasFeedback}, estimate {foxDownlink.Estimate:N0} bps, layer {fromChrome.CurrentLayer})");
        await ParticipantPages.ExpectMediaFromAsync(fox, chromeId);
        TestContext.Out.WriteLine($"Chromium's estimate {chromeDownlink.Estimate:N0} bps (Firefox layer {fromFox.CurrentLayer}); Firefox's estimate {foxDownlink.Estimate:N0} bps (Chromium layer {fromChrome.CurrentLayer})");
    }

    private async Task CallAsync(bool simulcast, IParticipantPage first, IParticipantPage second)
    {
        var media = Harness.Host.Get<IMediaModule>();
        var before = media.GetResourceCounts();
        var (meetingId, _, _) = await Harness.CreateMeetingAsync();
        await using (first)
        await using (second)
        {
            var firstId = await ParticipantPages.JoinAsync(first, meetingId, first.Browser + " 1", simulcast);
            var secondId = await ParticipantPages.JoinAsync(second, meetingId, second.Browser + " 2", simulcast);

            foreach (var page in new[] { first, second })
            {
                (await page.EvaluateAsync<int>("() => window.meet.videoEncodings()"))
                    .Should().Be(simulcast ? 3 : 1, $"{page.Browser} sends its camera as {(simulcast ? "q/h/f simulcast" : "one encoding")}");
            }
            try
            {
                await ParticipantPages.ExpectMediaFromAsync(first, secondId);
                await ParticipantPages.ExpectMediaFromAsync(second, firstId);
            }
            catch
            {
                // What the SFU does with each subscriber's consumers, and what each page reported of its tiles.
                var sfu = Harness.Host.Get<MediaModule>();
                foreach (var (page, id) in new[] { (first, firstId), (second, secondId) })
                {
                    var consumers = sfu.FindMember(meetingId, id)?.Subscribing.Consumers.Select(c => $"{c.Producer.Kind} paused={c.IsPaused} target={c.TargetLayer} current={c.CurrentLayer} ceiling={c.LayerCeiling}");
                    var tiles = await page.EvaluateAsync<System.Text.Json.JsonElement>("() => window.meet.tileSizes()");
                    TestContext.Out.WriteLine($"{page.Browser} {id}: consumers [{string.Join("; ", consumers ?? [])}] tiles {tiles} visibility {await page.EvaluateAsync<string>("() => document.visibilityState")}");
                }
                throw;
            }
            var counts = media.GetResourceCounts();
            counts.Participants.Should().Be(before.Participants + 2);
            counts.Producers.Should().Be(before.Producers + 4, "audio and video of each");
            counts.Consumers.Should().Be(before.Consumers + 4);
        }
        await ThreeParticipantCallTests.WaitForCountsAsync(media, c => c == before);
    }
}

using System.Text.Json;
using Meet.Modules.Media;
using Meet.Modules.Media.Internal;
using Meet.Modules.Media.Routing;

namespace Meet.Tests.Browser;

// Issue 11 in real Chromium: the web client reports its tile sizes and visibility (tiles.ts) and
// applies dynacast (dynacast.ts). One call walks through small tile -> hidden -> large tile.
public sealed class TileSizeBrowserTests : BrowserFixture
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    // Per simulcast rid of Alice's camera: whether the encoding is active and its bytes sent.
    private const string OutboundLayers = """
        async () => {
          const layers = {};
          for (const pc of window.__pcs) {
            (await pc.getStats()).forEach(r => {
              if (r.type === 'outbound-rtp' && r.kind === 'video' && r.rid)
                layers[r.rid] = { active: r.active !== false, bytes: r.bytesSent ?? 0 };
            });
          }
          return JSON.stringify(layers);
        }
        """;

    private const string InboundVideo = """
        async () => {
          const result = { width: 0, bytes: 0 };
          for (const pc of window.__pcs) {
            (await pc.getStats()).forEach(r => {
              if (r.type === 'inbound-rtp' && r.kind === 'video') { result.width = Math.max(result.width, r.frameWidth ?? 0); result.bytes += r.bytesReceived ?? 0; }
            });
          }
          return JSON.stringify(result);
        }
        """;

    [Test]
    public async Task A_small_tile_gets_180p_a_hidden_one_zero_bytes_and_dynacast_pauses_720p_until_a_large_tile_wants_it()
    {
        var media = Harness.Host.Get<MediaModule>();
        var (meetingId, _, _) = await Harness.CreateMeetingAsync();
        var alicePage = await Harness.NewParticipantAsync(Browser);
        await alicePage.Context.AddInitScriptAsync(AdaptiveMediaTests.CapturePeerConnections);
        var bobPage = await Harness.NewParticipantAsync(Browser);
        await bobPage.Context.AddInitScriptAsync(AdaptiveMediaTests.CapturePeerConnections);
        await using var alice = new ChromiumParticipantPage(alicePage);
        await using var bob = new ChromiumParticipantPage(bobPage);
        var aliceId = await ParticipantPages.JoinAsync(alice, meetingId, "Alice");
        var bobId = await ParticipantPages.JoinAsync(bob, meetingId, "Bob");
        var small = await bobPage.AddStyleTagAsync(new() { Content = ".tile video { width: 320px !important; height: 180px !important; }" });

        // 1. A 320x180 tile: the 180p layer, though the path is loopback (ample bandwidth).
        var inbound = new Inbound(0, 0);
        await BrowserWait.UntilAsync(async () => (inbound = await InboundAsync(bob)).Width == 320, Generous,
            $"Bob's 320x180 tile receives the 180p layer (last width {inbound.Width})");
        var consumer = media.FindMember(meetingId, bobId)!.Subscribing.Consumers.Single(c => c.Producer.Kind == MediaKind.Video);
        // 320 px also arrives before the tile size does (Chromium starts on its lowest layer): wait for the
        // SFU's choice, which the tile caps.
        await BrowserWait.UntilAsync(() => Task.FromResult(consumer.TargetLayer == 0), Generous,
            $"the 320x180 tile caps Bob's layer at 180p (target {consumer.TargetLayer})");
        var tiles = await bob.EvaluateAsync<JsonElement>("() => window.meet.tileSizes()");
        tiles.EnumerateArray().Should().ContainSingle(t => t.GetProperty("mid").GetString() == consumer.Mid && !t.GetProperty("hidden").GetBoolean());

        // 2. Dynacast: nobody wants 720p (nor 360p), so Alice's client turns those encodings off.
        var camera = consumer.Producer;
        await BrowserWait.UntilAsync(async () => !(await OutboundAsync(alice))["f"].Active, Generous, "Alice's 720p encoding goes inactive");
        camera.Layers[2].DynacastPaused.Should().BeTrue();
        media.Counters.Adaptive.DynacastPauses.Should().BeGreaterThan(0);
        var fBytes = (await OutboundAsync(alice))["f"].Bytes;
        await Task.Delay(1500);
        (await OutboundAsync(alice))["f"].Bytes.Should().Be(fBytes, "an inactive encoding sends nothing");

        // 3. Hidden (display:none): zero bytes for that track; inbound bytes stop growing.
        var hidden = await bobPage.AddStyleTagAsync(new() { Content = ".tile video { display: none !important; }" });
        await BrowserWait.UntilAsync(() => Task.FromResult(consumer.IsPaused), Generous, "the hidden tile's consumer pauses");
        await Task.Delay(1000);
        var before = (await InboundAsync(bob)).Bytes;
        await Task.Delay(2000);
        (await InboundAsync(bob)).Bytes.Should().Be(before, "a hidden tile gets zero bytes");

        // 4. A large tile: 720p is wanted again; Alice's encoding comes back and Bob's video grows.
        await hidden.EvaluateAsync("e => e.remove()");
        await small.EvaluateAsync("e => e.remove()");
        await bobPage.AddStyleTagAsync(new() { Content = AdaptiveMediaTests.LargeTiles });
        await BrowserWait.UntilAsync(async () => (await OutboundAsync(alice))["f"].Active, Generous, "Alice's 720p encoding is active again");
        camera.Layers[2].DynacastPaused.Should().BeFalse();
        var downlink = media.FindMember(meetingId, bobId)!.Subscriber.Downlink!;
        // Which layer Bob gets now is his estimate's choice: it grew while only 180p flowed, so a higher
        // layer needs the estimate (and Chromium's encoder) to ramp first; on a loaded 2-core machine that
        // can take long. What must hold: the video keeps decoding, and it climbs where the estimate allows.
        var frames = (await ParticipantPages.StatsAsync(bob))[aliceId].FramesDecoded;
        await BrowserWait.UntilAsync(async () => (await ParticipantPages.StatsAsync(bob))[aliceId].FramesDecoded > frames + 10, Generous, "Bob's video keeps decoding");
        if (downlink.Estimate >= 700_000)
            await BrowserWait.UntilAsync(async () => (inbound = await InboundAsync(bob)).Width > 320, Generous, $"a higher layer arrives (last width {inbound.Width})");
        inbound = await InboundAsync(bob);
        TestContext.Out.WriteLine($"Bob's estimate {downlink.Estimate:N0} bps, width {inbound.Width}; dynacast pauses {media.Counters.Adaptive.DynacastPauses}, resumes {media.Counters.Adaptive.DynacastResumes}");
    }

    private sealed record Inbound(int Width, long Bytes);

    private sealed record Outbound(bool Active, long Bytes);

    private static async Task<Inbound> InboundAsync(ChromiumParticipantPage page)
    {
        using var document = JsonDocument.Parse(await page.EvaluateAsync<string>(InboundVideo));
        return new Inbound(document.RootElement.GetProperty("width").GetInt32(), document.RootElement.GetProperty("bytes").GetInt64());
    }

    private static async Task<Dictionary<string, Outbound>> OutboundAsync(ChromiumParticipantPage page)
    {
        using var document = JsonDocument.Parse(await page.EvaluateAsync<string>(OutboundLayers));
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name,
            p => new Outbound(p.Value.GetProperty("active").GetBoolean(), p.Value.GetProperty("bytes").GetInt64()));
    }
}

using System.Text.Json;
using Meet.Modules.Media.Internal;

namespace Meet.Tests.Browser;

// Issue 11: media that adapts. The SFU's transport-cc feedback lets Chromium's own estimator send every
// simulcast layer (without feedback it stays on the lowest, 320x180, whatever the network).
public sealed class AdaptiveMediaTests : BrowserFixture
{
    // This fixture measures Chromium's own ramp to three layers, so dynacast (which pauses the layers no
    // subscriber wants: here, all but the one Bob's tile asks for) is off; TileSizeBrowserTests covers it.
    protected override IReadOnlyDictionary<string, string>? HostSettings => new Dictionary<string, string> { ["Media:DynacastPauseDelay"] = "00:00:00" };

    // Bob's tile for Alice as large as the 720p layer, so the tile size (issue 11) does not cap the layer.
    internal const string LargeTiles = ".tile video { width: 1280px !important; height: 720px !important; }";

    // Keeps every PeerConnection the page makes, so the test reads the publisher's own statistics.
    internal const string CapturePeerConnections = """
        (() => {
          const Original = window.RTCPeerConnection;
          window.__pcs = [];
          window.RTCPeerConnection = class extends Original {
            constructor(config) { super(config); window.__pcs.push(this); }
          };
        })();
        """;

    // Per simulcast rid of the sent video: frame width, bytes sent, and why the encoder is limited.
    private const string OutboundLayers = """
        async () => {
          const layers = {};
          for (const pc of window.__pcs) {
            (await pc.getStats()).forEach(r => {
              if (r.type === 'outbound-rtp' && r.kind === 'video' && r.rid)
                layers[r.rid] = { width: r.frameWidth ?? 0, bytes: r.bytesSent ?? 0, limit: r.qualityLimitationReason ?? '' };
            });
          }
          return JSON.stringify(layers);
        }
        """;

    [Test]
    public async Task A_chromium_publisher_sends_all_three_simulcast_layers_within_10s_and_the_subscriber_gets_720p()
    {
        var media = Harness.Host.Get<MediaModule>();
        var before = media.Counters.Adaptive.TransportFeedbackSent;
        var (meetingId, _, _) = await Harness.CreateMeetingAsync();
        var alicePage = await Harness.NewParticipantAsync(Browser);
        await alicePage.Context.AddInitScriptAsync(CapturePeerConnections);
        await using var alice = new ChromiumParticipantPage(alicePage);
        await using var bob = new ChromiumParticipantPage(await Harness.NewParticipantAsync(Browser));
        var aliceId = await ParticipantPages.JoinAsync(alice, meetingId, "Alice");
        var bobId = await ParticipantPages.JoinAsync(bob, meetingId, "Bob");
        await bob.Page.AddStyleTagAsync(new() { Content = LargeTiles });
        var joined = DateTime.UtcNow;

        // Seed bitrates: the 720p layer needs ~1.5 Mbps; Chromium starts near 300 kbps and ramps as
        // the feedback shows the path is clear. Issue 11 asks for all three within 10 s of joining. Our
        // transport-cc feedback reports each packet's kernel receive time (SO_TIMESTAMPNS): stamped when
        // processed, receive-thread scheduling on a loaded 2-core machine read as queueing to Chrome's
        // estimator and the ramp took 24 s or more at load 50-75 (1.8-4.0 s with kernel times, same load).
        Dictionary<string, Layer> layers = [];
        var deadline = joined + TimeSpan.FromSeconds(10);
        var previous = new Dictionary<string, long>();
        var sending = new HashSet<string>();
        while (DateTime.UtcNow < deadline && (sending.Count < 3 || layers["f"].Limit == "bandwidth"))
        {
            layers = Parse(await alice.EvaluateAsync<string>(OutboundLayers));
            foreach (var (rid, layer) in layers)
            {
                if (previous.TryGetValue(rid, out var bytes) && layer.Bytes > bytes && layer.Width > 0)
                    sending.Add(rid);
                previous[rid] = layer.Bytes;
            }
            await Task.Delay(500);
        }
        sending.Should().BeEquivalentTo(["q", "h", "f"], $"all three layers are sent soon after joining ({JsonSerializer.Serialize(layers)})");
        TestContext.Out.WriteLine($"all three layers sent, not limited by bandwidth, {(DateTime.UtcNow - joined).TotalSeconds:F1} s after joining");
        layers["f"].Width.Should().Be(1280);
        layers["f"].Limit.Should().NotBe("bandwidth");
        (media.Counters.Adaptive.TransportFeedbackSent - before).Should().BeGreaterThan(10, "feedback goes out every tick");

        // The subscriber with ample bandwidth and a 1280x720 tile is forwarded the 720p layer.
        var widthDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var width = 0;
        while (DateTime.UtcNow < widthDeadline && width < 1280)
        {
            var stats = await bob.EvaluateAsync<string>("async () => JSON.stringify(await window.meet.stats())");
            using var document = JsonDocument.Parse(stats);
            width = document.RootElement.TryGetProperty(aliceId, out var s) ? s.GetProperty("frameWidth").GetInt32() : 0;
            await Task.Delay(300);
        }
        var downlink = media.FindMember(meetingId, bobId)!.Subscriber.Downlink!;
        // 720p needs its ~1.5 Mbps plus 15 % headroom and the audio in 90 % of the subscriber's own estimate;
        // on a loaded 2-core machine scheduling jitter can hold the estimate below that, and then a lower
        // layer is right.
        if (downlink.Estimate >= 2_000_000)
            width.Should().Be(1280);
        else
            width.Should().BeGreaterThan(0, $"the estimate ({downlink.Estimate:N0} bps) chose a lower layer");

        // The subscriber's transport-cc feedback on our own sequence numbers drives its downlink estimate.
        downlink.HasFeedback.Should().BeTrue();
        // Not asserted higher: on a loaded 2-core machine scheduling jitter reads as queueing delay.
        downlink.Estimate.Should().BeGreaterThan(300_000,
            $"loss from feedback {downlink.LossFractionFromFeedback:P1}, receiver-report loss {downlink.FractionLost:P1}, " +
            $"sequences sent {downlink.SequencesSent}, last probe {downlink.LastProbeResult:N0} bps, probes started {downlink.Probe.Started}, " +
            $"succeeded {downlink.Probe.Succeeded}, failed {downlink.Probe.Failed}, late arrivals {downlink.LateArrivals}, RTT {downlink.RoundTripTime}, " +
            $"feedback unknown {media.Counters.Adaptive.SubscriberFeedbackUnknown} of {media.Counters.Adaptive.SubscriberFeedbackReceived}");
        media.Counters.Adaptive.SubscriberFeedbackUnknown.Should().BeLessThan(media.Counters.Adaptive.SubscriberFeedbackReceived,
            "feedback names the sequence numbers we stamped");
        downlink.RoundTripTime.Should().NotBeNull("Chrome's receiver reports answer our sender reports");
    }

    private sealed record Layer(int Width, long Bytes, string Limit);

    private static Dictionary<string, Layer> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name,
            p => new Layer(p.Value.GetProperty("width").GetInt32(), p.Value.GetProperty("bytes").GetInt64(), p.Value.GetProperty("limit").GetString() ?? ""));
    }
}

using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Meet.Modules.Media.Internal;
using Meet.Modules.Media.Routing;
using Meet.Tests.Host;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Meet.Tests.Browser;

// Issue 16: end-to-end encrypted meetings in real browsers. The key is made by the test as the
// landing page would (32 random bytes, base64url) and travels only in the link's fragment; every
// byte the server receives is recorded (ServerInputRecorder) and searched for it.
public sealed class E2eeCallTests : BrowserFixture
{
    private ServerInputRecorder recorder = null!;

    protected override void ConfigureHostServices(IServiceCollection services) => recorder = ServerInputRecorder.AddTo(services);

    [Test]
    public async Task Two_chromium_pages_decode_each_other_and_the_server_never_receives_the_key()
    {
        var meetingId = await CreateEncryptedMeetingAsync();
        var key = NewKey();
        await using var first = new ChromiumParticipantPage(await Harness.NewParticipantAsync(Browser));
        await using var second = new ChromiumParticipantPage(await Harness.NewParticipantAsync(Browser));
        var firstId = await ParticipantPages.JoinAsync(first, $"{meetingId}#key={key}", "Alice");
        var (audio, video) = CaptureAtSfu(meetingId, firstId);
        var secondId = await ParticipantPages.JoinAsync(second, $"{meetingId}#key={key}", "Bob");

        // Decoding at all shows the SFU still finds keyframes: a consumer forwards nothing before the
        // first keyframe of its layer, detected from the VP8 header left in the clear.
        await ParticipantPages.ExpectMediaFromAsync(first, secondId);
        await ParticipantPages.ExpectMediaFromAsync(second, firstId);
        (await second.EvaluateAsync<int>("() => window.meet.videoEncodings()")).Should().Be(3, "simulcast is kept in encrypted meetings");

        // Simulcast layer switches on encrypted keyframes: Alice sends only her quarter-resolution
        // layer, then only the full one; each time the SFU moves Bob's consumer to the layer that
        // remains, which it may only do on a keyframe of that layer, and Bob keeps decoding.
        var consumer = AliceVideoConsumer(meetingId, firstId, secondId);
        await first.EvaluateAsync<bool>("async () => { await window.meet.setVideoLayers([true, false, false]); return true; }");
        await WaitForLayerAsync(consumer, 0, meetingId, secondId);
        await ParticipantPages.ExpectMediaFromAsync(second, firstId);
        await first.EvaluateAsync<bool>("async () => { await window.meet.setVideoLayers([false, false, true]); return true; }");
        await WaitForLayerAsync(consumer, 2, meetingId, secondId);
        await ParticipantPages.ExpectMediaFromAsync(second, firstId);

        var counters = await CountersAsync(second);
        counters.GetProperty("framesEncrypted").GetInt64().Should().BeGreaterThan(0);
        counters.GetProperty("framesDecrypted").GetInt64().Should().BeGreaterThan(0);
        counters.GetProperty("droppedUnauthenticated").GetInt64().Should().Be(0);
        TestContext.Progress.WriteLine($"e2ee cost in Bob's worker: {PerFrame(counters, "encrypt")} µs per frame encrypted, {PerFrame(counters, "decrypt")} µs per frame decrypted");
        // Alice moved to a new epoch's key when Bob joined, and Bob still decodes her.
        (await CountersAsync(first)).GetProperty("epoch").GetInt64().Should().BeGreaterThanOrEqualTo(1);
        (await second.Page.Locator("#e2ee-badge").IsVisibleAsync()).Should().BeTrue("the page shows the call is end-to-end encrypted");
        (await second.EvaluateAsync<string>("() => window.meet.e2ee.inviteLink()")).Should().EndWith($"/j/{meetingId}#key={key}");

        // The picture is the sender's camera, not noise: the decoded tile's colours match what the
        // sender's own preview shows, and neighbouring pixels are as smooth as the test pattern's.
        var sent = await SampleAsync(first.Page, "#local-video");
        var received = await SampleAsync(second.Page, $".tile[data-participant-id='{firstId}'] video");
        TestContext.Progress.WriteLine($"e2ee picture: sent {sent}, received {received}");
        received.Roughness.Should().BeLessThan(Math.Max(20, sent.Roughness * 3), "a decoded test pattern is smooth; garbage is not");
        Math.Abs(received.Red - sent.Red).Should().BeLessThan(40);
        Math.Abs(received.Green - sent.Green).Should().BeLessThan(40);
        Math.Abs(received.Blue - sent.Blue).Should().BeLessThan(40);

        // What the SFU forwards is opaque without the key: each Opus payload it received from Alice is
        // one sealed frame that the C# mirror opens with the meeting secret and not with another; her
        // VP8 frames end (marker packet) with the trailer naming her.
        var secret = Convert.FromBase64String(key.Replace('-', '+').Replace('_', '/') + "=");
        var otherSecret = RandomNumberGenerator.GetBytes(32);
        audio.Payloads.Should().NotBeEmpty();
        foreach (var (_, payload) in audio.Payloads)
        {
            E2eeFrameFormatTests.TryOpen(secret, payload, out var opus).Should().BeTrue("Alice's audio frame opens with the meeting key");
            opus.Length.Should().Be(payload.Length - 42);
            E2eeFrameFormatTests.TryOpen(otherSecret, payload, out _).Should().BeFalse("and with no other key");
        }
        var frameEnds = video.Payloads.Where(p => p.Marker).Select(p => p.Payload).ToList();
        frameEnds.Should().NotBeEmpty();
        foreach (var end in frameEnds)
        {
            end[^1].Should().Be(0x4d, "every VP8 frame ends with the e2ee trailer");
            new Guid(end.AsSpan(end.Length - 26, 16), bigEndian: true).ToString().Should().Be(firstId);
        }

        var leaks = recorder.Records.Where(r => ContainsKey(r, key)).ToList();
        recorder.Records.Should().Contain(r => r.Contains("PublisherOffer", StringComparison.Ordinal), "the recorder sees the hub traffic");
        leaks.Should().BeEmpty("the key stays in the page's URL fragment");
    }

    [Test]
    public async Task Wrong_or_missing_key_shows_cannot_decrypt_and_never_a_picture()
    {
        var meetingId = await CreateEncryptedMeetingAsync();
        var key = NewKey();
        await using var owner = new ChromiumParticipantPage(await Harness.NewParticipantAsync(Browser));
        await using var wrong = new ChromiumParticipantPage(await Harness.NewParticipantAsync(Browser));
        await using var keyless = new ChromiumParticipantPage(await Harness.NewParticipantAsync(Browser));
        var ownerId = await ParticipantPages.JoinAsync(owner, $"{meetingId}#key={key}", "Owner");
        var wrongId = await ParticipantPages.JoinAsync(wrong, $"{meetingId}#key={NewKey()}", "Wrong key");
        await ParticipantPages.JoinAsync(keyless, meetingId, "No key");

        // Each side sees the other's tile as undecryptable, with packets arriving but no frame decoded.
        await WaitForUndecryptableAsync(wrong.Page, ownerId);
        await WaitForUndecryptableAsync(owner.Page, wrongId);
        await WaitForUndecryptableAsync(keyless.Page, ownerId);
        // An undecryptable tile still asks for its video (shown or not is the page's business): reported
        // hidden, the SFU paused it, and the wrong-key page never received a video packet (2 runs in ~10).
        var reports = await wrong.EvaluateAsync<string>("() => JSON.stringify(window.meet.tileSizes())");
        reports.Should().Contain("\"hidden\":false").And.NotContain("\"hidden\":true", "the undecryptable tile is on screen: {0}", reports);
        // The notice follows the first few failed frames of either track, often the audio's (20 ms each):
        // the owner's video may still be on its way (its first keyframe), so wait for it before reading.
        await BrowserWait.UntilAsync(async () => (await ParticipantPages.StatsAsync(wrong)).TryGetValue(ownerId, out var s) && s.VideoPacketsReceived > 0,
            MediaTimeout, "the wrong-key page receives the owner's video packets");
        var wrongStats = await ParticipantPages.StatsAsync(wrong);
        wrongStats[ownerId].FramesDecoded.Should().Be(0, "frames that fail to authenticate are dropped before the decoder");
        (await ParticipantPages.StatsAsync(keyless))[ownerId].FramesDecoded.Should().Be(0);
        (await EventuallyCounterAsync(wrong, "droppedUnauthenticated")).Should().BeGreaterThan(0, "the wrong key's frames fail authentication");
        (await CountersAsync(wrong)).GetProperty("framesDecrypted").GetInt64().Should().Be(0);
        (await EventuallyCounterAsync(keyless, "droppedNoKey")).Should().BeGreaterThan(0, "without a key nothing is decrypted");

        // Without a key the page says why and sends nothing (no clear media in an encrypted meeting).
        (await keyless.Page.InnerTextAsync("#media-error")).Should().Contain("no key");
        (await keyless.EvaluateAsync<int>("() => window.meet.videoEncodings()")).Should().Be(0);
        (await ParticipantPages.StatsAsync(owner)).Should().NotContainKey(await keyless.EvaluateAsync<string>("() => window.meet.participantId"));
    }

    // docs/interop.md: Firefox has RTCRtpScriptTransform too; its frames and Chromium's use one format.
    [Test]
    public async Task Firefox_and_chromium_decode_each_other_in_an_encrypted_meeting()
    {
        var meetingId = await CreateEncryptedMeetingAsync();
        var key = NewKey();
        await using var firefox = await FirefoxBrowser.LaunchAsync(Harness.BaseUrl);
        await using var fox = await firefox.NewParticipantAsync();
        await using var chromium = new ChromiumParticipantPage(await Harness.NewParticipantAsync(Browser));
        var foxId = await ParticipantPages.JoinAsync(fox, $"{meetingId}#key={key}", "Firefox");
        var chromiumId = await ParticipantPages.JoinAsync(chromium, $"{meetingId}#key={key}", "Chromium");

        await ParticipantPages.ExpectMediaFromAsync(chromium, foxId);
        await ParticipantPages.ExpectMediaFromAsync(fox, chromiumId);
        (await CountersAsync(fox)).GetProperty("framesDecrypted").GetInt64().Should().BeGreaterThan(0);
        (await CountersAsync(chromium)).GetProperty("framesDecrypted").GetInt64().Should().BeGreaterThan(0);
    }

    [Test]
    public async Task A_pasted_invite_link_keeps_its_key()
    {
        var meetingId = await CreateEncryptedMeetingAsync();
        var key = NewKey();
        var page = await Harness.NewParticipantAsync(Browser);
        await using var participant = new ChromiumParticipantPage(page);

        await MeetPage.JoinFromLandingAsync(page, "Paster", $"https://meet.example.test/j/{meetingId}#key={key}");
        await MeetPage.WaitForStateAsync(page, MediaTimeout, "joined");

        new Uri(page.Url).Fragment.Should().Be($"#key={key}");
        (await page.EvaluateAsync<bool>("() => window.meet.e2ee.enabled && window.meet.e2ee.hasKey")).Should().BeTrue();
        (await page.EvaluateAsync<int>("() => window.meet.videoEncodings()")).Should().Be(3, "a page with the key publishes");
    }

    [Test]
    public async Task Web_client_key_schedule_and_frame_layout_match_the_shared_vectors()
    {
        await using var page = new ChromiumParticipantPage(await Harness.NewParticipantAsync(Browser));
        await page.GotoAsync("/");
        await page.EvaluateAsync<bool>("() => { localStorage.setItem('meet.name', 'Vectors'); return true; }");
        // Any meeting page has the hook, even one whose meeting does not exist.
        await page.GotoAsync("/j/mtg-aaaaaa-0000-aaa");
        await page.Page.WaitForFunctionAsync("() => window.meet && window.meet.state === 'failed'");

        foreach (var v in E2eeFrameFormatTests.Vectors.GetProperty("keys").EnumerateArray())
        {
            var derived = await page.EvaluateAsync<JsonElement>(
                $"() => window.meet.e2ee.deriveKey({v.GetProperty("secret").GetRawText()}, {v.GetProperty("senderId").GetRawText()}, {v.GetProperty("epoch").GetRawText()})");
            derived.GetProperty("key").GetString().Should().Be(v.GetProperty("key").GetString());
            derived.GetProperty("salt").GetString().Should().Be(v.GetProperty("salt").GetString());
        }
        foreach (var v in E2eeFrameFormatTests.Vectors.GetProperty("frames").EnumerateArray())
        {
            var sealedFrame = await page.EvaluateAsync<string>(
                $"() => window.meet.e2ee.sealFrame({v.GetProperty("secret").GetRawText()}, {v.GetProperty("senderId").GetRawText()}, {v.GetProperty("epoch").GetRawText()}, {v.GetProperty("counter").GetRawText()}, {v.GetProperty("clearBytes").GetRawText()}, {v.GetProperty("plain").GetRawText()})");
            sealedFrame.Should().Be(v.GetProperty("sealed").GetString(), v.GetProperty("name").GetString());
        }
    }

    private async Task<string> CreateEncryptedMeetingAsync()
    {
        using var response = await Harness.Host.Client.PostAsJsonAsync("/v1/meetings", new { hostId = "host", meetingTitle = "E2EE", allowGuestJoin = true, e2ee = true });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("meetingId").GetString()!;
    }

    private static string NewKey() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    // The key in any encoding a leak would likely take: base64url, standard base64, hex.
    private static bool ContainsKey(string record, string key)
    {
        var bytes = Convert.FromBase64String(key.Replace('-', '+').Replace('_', '/') + "=");
        return record.Contains(key, StringComparison.Ordinal)
            || record.Contains(Convert.ToBase64String(bytes).TrimEnd('='), StringComparison.Ordinal)
            || record.Contains(Convert.ToHexString(bytes), StringComparison.OrdinalIgnoreCase);
    }

    private static string PerFrame(JsonElement counters, string operation)
    {
        var frames = counters.GetProperty(operation == "encrypt" ? "framesEncrypted" : "framesDecrypted").GetDouble();
        return (counters.GetProperty($"{operation}Microseconds").GetDouble() / Math.Max(1, frames)).ToString("F0", System.Globalization.CultureInfo.InvariantCulture);
    }

    // The worker posts its counters to the page now and then: the first read can precede the first post.
    private static async Task<long> EventuallyCounterAsync(IParticipantPage page, string name)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        long value;
        while ((value = (await CountersAsync(page)).GetProperty(name).GetInt64()) == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        return value;
    }

    private static async Task<JsonElement> CountersAsync(IParticipantPage page) =>
        await page.EvaluateAsync<JsonElement>("async () => await window.meet.e2ee.counters()");

    private static async Task WaitForUndecryptableAsync(IPage page, string participantId)
    {
        var tile = page.Locator($".tile[data-participant-id='{participantId}']");
        await tile.Locator(".e2ee-notice").WaitForAsync(new() { Timeout = (float)MediaTimeout.TotalMilliseconds });
        (await tile.GetAttributeAsync("class")).Should().Contain("undecryptable");
        (await tile.Locator(".e2ee-notice").InnerTextAsync()).Should().Contain("Cannot decrypt");
    }

    // Wraps Alice's publisher transport's packet listener with two captures: audio (Opus, one frame
    // per packet) and video.
    private (CapturingPacketListener Audio, CapturingPacketListener Video) CaptureAtSfu(string meetingId, string publisherId)
    {
        var member = Harness.Host.Get<MediaModule>().FindRouter(meetingId)!.Members.Single(m => m.ParticipantId == publisherId);
        var producers = member.Publishing.Producers.ToList();
        var audio = new CapturingPacketListener(member.Publisher.PacketListener, producers.Single(p => p.Kind == MediaKind.Audio).Codecs[0].PayloadType, 20);
        var video = new CapturingPacketListener(audio, producers.Single(p => p.Kind == MediaKind.Video).Codecs[0].PayloadType, 400);
        member.Publisher.PacketListener = video;
        return (audio, video);
    }

    private Consumer AliceVideoConsumer(string meetingId, string publisherId, string subscriberId)
    {
        var router = Harness.Host.Get<MediaModule>().FindRouter(meetingId)!;
        var producer = router.Members.Single(m => m.ParticipantId == publisherId).Publishing.Producers.Single(p => p.Kind == MediaKind.Video);
        return producer.Consumers.Single(c => c.SubscriberId == subscriberId);
    }

    private async Task WaitForLayerAsync(Consumer consumer, int layer, string meetingId, string subscriberId)
    {
        var deadline = DateTime.UtcNow + MediaTimeout;
        while (DateTime.UtcNow < deadline && consumer.CurrentLayer != layer)
            await Task.Delay(100);
        // The publisher's layers as the SFU sees them (packets, last arrival, dynacast) beside the consumer's state.
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        var layers = string.Join(", ", consumer.Producer.Layers.Select((l, i) =>
            $"{i}: {l.PacketsReceived} packets, last {(now - l.LastPacketTimestamp) * 1000 / System.Diagnostics.Stopwatch.Frequency} ms ago, dynacast paused {l.DynacastPaused}"));
        consumer.CurrentLayer.Should().Be(layer, "the SFU switches to the only layer still sent once it sees that layer's keyframe "
            + $"(publisher layers {layers}; {VideoConsumerStates.Describe(Harness.Host.Get<MediaModule>(), meetingId, subscriberId)})");
    }

    private sealed record PictureSample(double Red, double Green, double Blue, double Roughness);

    // Mean colour and mean absolute difference between horizontal neighbours of a 160x90 copy of
    // the video's current frame.
    private static async Task<PictureSample> SampleAsync(IPage page, string selector)
    {
        var sample = await page.EvaluateAsync<double[]?>("""
            selector => {
              const video = document.querySelector(selector);
              if (!video || video.videoWidth === 0) return null;
              const w = 160, h = 90, canvas = document.createElement('canvas');
              canvas.width = w; canvas.height = h;
              const g = canvas.getContext('2d');
              g.drawImage(video, 0, 0, w, h);
              const d = g.getImageData(0, 0, w, h).data;
              let r = 0, gr = 0, b = 0, rough = 0;
              for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
                const i = (y * w + x) * 4;
                r += d[i]; gr += d[i + 1]; b += d[i + 2];
                if (x > 0) rough += Math.abs(d[i] - d[i - 4]) + Math.abs(d[i + 1] - d[i - 3]) + Math.abs(d[i + 2] - d[i - 2]);
              }
              const n = w * h;
              return [r / n, gr / n, b / n, rough / ((w - 1) * h * 3)];
            }
            """, selector);
        sample.Should().NotBeNull($"{selector} shows a picture");
        return new PictureSample(sample![0], sample[1], sample[2], sample[3]);
    }
}

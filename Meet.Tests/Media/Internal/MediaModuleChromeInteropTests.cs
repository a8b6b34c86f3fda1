using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Channels;
using Meet.Modules.Client.Media;
using Meet.Modules.Media;
using Meet.Modules.Media.Internal;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.PacketEngine.Sockets;
using Meet.Tests.Client.Media;
using Meet.Tests.Media.Protocols.Dtls;
using Meet.Tests.Support;

namespace Meet.Tests.Media.Internal;

// A stock Chromium in a loopback-only network namespace joins a meeting through the real SFU (sockets
// engine bound inside the namespace) next to a .NET client: Chromium's offer gets an answer it accepts,
// its camera reaches the .NET subscriber, and our subscriber offer (msid = publisher's participant id)
// is accepted by Chromium, which then receives the .NET client's RTP.
[TestFixture]
[Category("Browser")]
public sealed class MediaModuleChromeInteropTests
{
    private const int MediaPort = 40000;
    private const uint BotSsrc = 0x0B07_0001;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private const string Page = """
        <!doctype html><html><body><script>
        const post = (path, body) => fetch(path, { method: 'POST', body }).then(r => r.text());
        const sleep = ms => new Promise(r => setTimeout(r, ms));
        (async () => {
          try {
            const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
            const pub = new RTCPeerConnection();
            const simulcast = location.hash === '#simulcast';
            for (const track of media.getTracks()) pub.addTransceiver(track, { direction: 'sendonly', streams: [media],
              sendEncodings: simulcast && track.kind === 'video'
                ? [{ rid: 'q', scaleResolutionDownBy: 4 }, { rid: 'h', scaleResolutionDownBy: 2 }, { rid: 'f' }] : undefined });
            await pub.setLocalDescription(await pub.createOffer());
            await pub.setRemoteDescription({ type: 'answer', sdp: await post('/publish', pub.localDescription.sdp) });
            const sub = new RTCPeerConnection();
            const streams = new Set();
            sub.ontrack = e => e.streams.forEach(s => streams.add(s.id));
            const deadline = Date.now() + 30000;
            let inbound = 0, decoded = 0;
            while (Date.now() < deadline) {
              const offer = await post('/suboffer', '');
              if (offer) {
                await sub.setRemoteDescription({ type: 'offer', sdp: offer });
                await sub.setLocalDescription(await sub.createAnswer());
                await post('/subanswer', sub.localDescription.sdp);
              }
              inbound = 0; decoded = 0;
              (await sub.getStats()).forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'video') { inbound += s.packetsReceived; decoded += s.framesDecoded || 0; } });
              if (pub.connectionState === 'connected' && inbound > 20 && decoded > 10) break;
              await sleep(100);
            }
            await post('/result', JSON.stringify({ pub: pub.connectionState, sub: sub.connectionState, inbound, decoded, streams: [...streams] }));
          } catch (e) { await post('/result', JSON.stringify({ error: String(e) })); }
        })();
        """ + "</script></body></html>";

    // Simulcast: Chromium sends rids q/h/f on SSRCs announced nowhere; the SFU learns them from the mid
    // and rid header extensions and forwards one layer.
    [TestCase(false)]
    [TestCase(true)]
    public async Task Chromium_publishes_to_and_receives_from_a_dotnet_participant_through_the_sfu(bool simulcast)
    {
        using var chromium = await NamespacedChromium.CreateAsync(Deadline);
        using Socket http = chromium.OpenTcpListener(NamespacedChromium.HttpPort);
        await using var engine = SocketsPacketEngineFactory.Create(new SocketsPacketEngineOptions { ReceiveLoops = 1 });
        await using var module = new MediaModule("127.0.0.1", TimeProvider.System);
        chromium.InNamespace(() =>
        {
            module.Start(engine, MediaPort);
            return 0;
        });

        var browser = new BrowserListener();
        var browserMedia = module.AddParticipant(new MediaParticipantRequest("mtg-chrome", "chrome", "Chromium"), browser);
        await using var bot = chromium.InNamespace(() => new SfuTestParticipant(module, "mtg-chrome", "bot"));
        await bot.PublishAsync(ClientMediaTrack.Vp8("bot", "cam", BotSsrc));

        using var stop = new CancellationTokenSource();
        var result = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        var serving = TestHttpServer.ServeAsync(http, (method, path, body) => (method, path) switch
        {
            ("GET", "/") => (200, "text/html", simulcast ? Page.Replace("location.hash === '#simulcast'", "true", StringComparison.Ordinal) : Page),
            ("POST", "/publish") => (200, "text/plain", browserMedia.AnswerPublisherOffer(body).Sdp ?? "error"),
            ("POST", "/suboffer") => (200, "text/plain", browser.Offers.Reader.TryRead(out var offer) ? offer : ""),
            ("POST", "/subanswer") => (200, "text/plain", browserMedia.ApplySubscriberAnswer(body, 0).ErrorMessage ?? "ok"),
            ("POST", "/result") => (200, "text/plain", Report(result, body)),
            _ => (404, "text/plain", "not found"),
        }, stop.Token);
        var sending = SendAsync(bot, stop.Token);

        chromium.Launch();
        var subscribed = bot.SubscribeAsync(2);
        JsonElement report;
        try
        {
            report = await result.Task.WaitAsync(Deadline);
            await subscribed;
            await WaitUntilAsync(() => bot.Received.Any(p => p.KeyFrame));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException("Chromium reported nothing. Its log:\n" + chromium.Log);
        }
        finally
        {
            await stop.CancelAsync();
        }
        await sending;
        await serving;
        await browserMedia.DisposeAsync();

        await TestContext.Out.WriteLineAsync($"Chromium: {report}; .NET subscriber received {bot.Received.Count} packets");
        report.TryGetProperty("error", out var error).Should().BeFalse(error.ToString());
        report.GetProperty("pub").GetString().Should().Be("connected", report.ToString());
        report.GetProperty("sub").GetString().Should().Be("connected", report.ToString());
        report.GetProperty("inbound").GetInt32().Should().BeGreaterThan(20, "Chromium receives the .NET client's video");
        report.GetProperty("decoded").GetInt32().Should().BeGreaterThan(10, "Chromium decodes the ffmpeg-encoded VP8 the .NET client sends");
        report.GetProperty("streams").EnumerateArray().Select(s => s.GetString()).Should().Contain("bot");
        var chromeVideo = bot.SubscriberPc.RemoteTracks.Single(t => t.Kind == "video");
        chromeVideo.StreamId.Should().Be("chrome");
        bot.Received.Should().Contain(p => p.Ssrc == chromeVideo.Ssrc && p.KeyFrame, "Chromium's VP8 keyframes reach the subscriber");
    }

    private const string SubscriberPage = """
        <!doctype html><html><body><script>
        const post = (path, body) => fetch(path, { method: 'POST', body }).then(r => r.text());
        (async () => {
          const sub = new RTCPeerConnection();
          const streams = new Set();
          sub.ontrack = e => e.streams.forEach(s => streams.add(s.id));
          for (;;) {
            try {
              const offer = await post('/suboffer', '');
              if (offer) {
                await sub.setRemoteDescription({ type: 'offer', sdp: offer });
                await sub.setLocalDescription(await sub.createAnswer());
                await post('/subanswer', sub.localDescription.sdp);
              }
              let decoded = 0;
              (await sub.getStats()).forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'video') decoded += s.framesDecoded || 0; });
              await post('/stats', JSON.stringify({ state: sub.connectionState, decoded, streams: [...streams] }));
            } catch (e) { await post('/stats', JSON.stringify({ error: String(e) })); }
            await new Promise(r => setTimeout(r, 100));
          }
        })();
        """ + "</script></body></html>";

    // The subscriber PC survives its only publisher leaving (the section goes inactive, the BUNDLE
    // transport stays) and decodes the next publisher, whose consumer reuses that section.
    [Test]
    public async Task Chromium_decodes_a_new_publisher_after_the_previous_one_left()
    {
        using var chromium = await NamespacedChromium.CreateAsync(Deadline);
        using Socket http = chromium.OpenTcpListener(NamespacedChromium.HttpPort);
        await using var engine = SocketsPacketEngineFactory.Create(new SocketsPacketEngineOptions { ReceiveLoops = 1 });
        await using var module = new MediaModule("127.0.0.1", TimeProvider.System);
        chromium.InNamespace(() =>
        {
            module.Start(engine, MediaPort);
            return 0;
        });
        var browser = new BrowserListener();
        var browserMedia = module.AddParticipant(new MediaParticipantRequest("mtg-chrome", "chrome", "Chromium"), browser);
        var answers = 0;
        var stats = new LatestStats();
        using var stop = new CancellationTokenSource();
        var serving = TestHttpServer.ServeAsync(http, (method, path, body) => (method, path) switch
        {
            ("GET", "/") => (200, "text/html", SubscriberPage),
            ("POST", "/suboffer") => (200, "text/plain", browser.Offers.Reader.TryRead(out var offer) ? offer : ""),
            ("POST", "/subanswer") => (200, "text/plain", Answered(browserMedia.ApplySubscriberAnswer(body, 0), ref answers)),
            ("POST", "/stats") => (200, "text/plain", stats.Store(body)),
            _ => (404, "text/plain", "not found"),
        }, stop.Token);

        var first = chromium.InNamespace(() => new SfuTestParticipant(module, "mtg-chrome", "bot1"));
        await first.PublishAsync(ClientMediaTrack.Vp8("bot1", "cam", BotSsrc));
        using var firstSending = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        var sendingFirst = SendAsync(first, firstSending.Token);
        chromium.Launch();
        try
        {
            await WaitUntilAsync(() => Decoded(stats.Value) > 10);
            await firstSending.CancelAsync();
            await sendingFirst;
            await first.DisposeAsync();
            await WaitUntilAsync(() => Volatile.Read(ref answers) >= 2);
            var before = Decoded(stats.Value);

            await using var second = chromium.InNamespace(() => new SfuTestParticipant(module, "mtg-chrome", "bot2"));
            await second.PublishAsync(ClientMediaTrack.Vp8("bot2", "cam", BotSsrc + 1));
            var sendingSecond = SendAsync(second, stop.Token, BotSsrc + 1);
            await WaitUntilAsync(() => Decoded(stats.Value) > before + 10);
            await stop.CancelAsync();
            await sendingSecond;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Chromium reported {stats.Value} after {answers} answers. Its log:\n" + chromium.Log);
        }
        finally
        {
            await stop.CancelAsync();
        }
        await serving;
        await browserMedia.DisposeAsync();

        var final = stats.Value;
        await TestContext.Out.WriteLineAsync($"Chromium: {final}");
        final.GetProperty("state").GetString().Should().Be("connected");
        final.GetProperty("streams").EnumerateArray().Select(s => s.GetString()).Should().Contain(["bot1", "bot2"]);
    }

    private static string Answered(SdpNegotiationResult result, ref int answers)
    {
        if (result.Succeeded)
            Interlocked.Increment(ref answers);
        return result.ErrorMessage ?? "ok";
    }

    private sealed class LatestStats
    {
        private readonly Lock _lock = new();
        private JsonElement _value;

        public JsonElement Value
        {
            get
            {
                lock (_lock)
                    return _value;
            }
        }

        public string Store(string json)
        {
            var parsed = JsonDocument.Parse(json).RootElement.Clone();
            lock (_lock)
                _value = parsed;
            return "ok";
        }
    }

    private static int Decoded(JsonElement stats) =>
        stats.ValueKind == JsonValueKind.Object && stats.TryGetProperty("decoded", out var decoded) ? decoded.GetInt32() : 0;

    private static string Report(TaskCompletionSource<JsonElement> result, string json)
    {
        result.TrySetResult(JsonDocument.Parse(json).RootElement.Clone());
        return "ok";
    }

    // Streams the ffmpeg clip in a loop at 30 fps, packetized per RFC 7741.
    private static async Task SendAsync(SfuTestParticipant bot, CancellationToken cancel, uint ssrc = BotSsrc)
    {
        var clip = IvfTestFiles.Vp8Clip;
        IvfReader.TryParse(clip, out var ivf).Should().BeTrue();
        var payload = new byte[1200];
        ushort sequence = 1;
        uint timestamp = 0;
        for (var frame = 0; !cancel.IsCancellationRequested; frame++)
        {
            var f = ivf.Frames[frame % ivf.Frames.Count];
            var data = clip.AsSpan(f.Offset, f.Length);
            var count = Vp8Packetizer.GetPacketCount(data.Length, payload.Length);
            for (var i = 0; i < count; i++)
            {
                var length = Vp8Packetizer.WritePayload(data, i, payload.Length, payload);
                bot.PublisherPc.SendRtp(ssrc, 96, sequence++, timestamp, i == count - 1, payload.AsSpan(0, length));
            }
            timestamp += 3000;
            try
            {
                await Task.Delay(33, cancel);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!condition())
            await Task.Delay(50, timeout.Token);
    }

    private sealed class BrowserListener : IMediaParticipantListener
    {
        public Channel<string> Offers { get; } = Channel.CreateUnbounded<string>();

        public void OnSubscriberOffer(string offerSdp, ulong version) => Offers.Writer.TryWrite(offerSdp);

        public void OnConnectionStateChanged(MediaConnectionState state)
        {
        }
    }
}

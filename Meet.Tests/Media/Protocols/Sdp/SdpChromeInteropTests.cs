using System.Net.Sockets;
using System.Text.Json;
using Meet.Modules.Media.Protocols.Sdp;
using Meet.Tests.Media.Protocols.Dtls;
using Meet.Tests.Support;

namespace Meet.Tests.Media.Protocols.Sdp;

// The real judge of an SDP answer is the browser: Chromium must accept what SdpBuilder produces for its
// own offer and, for simulcast, set up the three rid layers. The offer is taken live from the same
// Chromium (so the test follows payload-type changes across browser versions), answered here, and
// applied in a second run of the same page, which recreates an identical offer shape.
[TestFixture]
[Category("Browser")]
public sealed class SdpChromeInteropTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private const string Page = """
        <!doctype html><html><body><script>
        const answer = __ANSWER__;
        const out = value => fetch('/result', { method: 'POST', body: JSON.stringify(value) });
        (async () => {
          try {
            const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 1280, height: 720 } });
            const pc = new RTCPeerConnection();
            const video = pc.addTransceiver(media.getVideoTracks()[0], { direction: 'sendonly', streams: [media], sendEncodings: [
              { rid: 'q', scaleResolutionDownBy: 4 }, { rid: 'h', scaleResolutionDownBy: 2 }, { rid: 'f' } ] });
            pc.addTransceiver(media.getAudioTracks()[0], { direction: 'sendonly', streams: [media] });
            pc.createDataChannel('meet');
            await pc.setLocalDescription(await pc.createOffer());
            if (answer === null) { out({ offer: pc.localDescription.sdp }); return; }
            await pc.setRemoteDescription({ type: 'answer', sdp: answer });
            out({
              ok: true,
              rids: video.sender.getParameters().encodings.map(e => e.rid),
              directions: pc.getTransceivers().map(t => t.currentDirection),
              sctp: pc.sctp !== null,
              signaling: pc.signalingState,
            });
          } catch (e) { out({ ok: false, error: String(e) }); }
        })();
        </script></body></html>
        """;

    [Test]
    public async Task Chromium_accepts_the_ice_lite_answer_to_its_simulcast_offer_with_three_layers()
    {
        JsonElement first = await RunAsync(answer: null);
        SessionDescription.TryParse(first.GetProperty("offer").GetString(), out SessionDescription? offer, out SdpParseError error)
            .Should().BeTrue(error.ToString());
        SessionDescription answer = SdpBuilder.CreateAnswer(offer!, SdpBuilderTests.ServerTransport(), new SdpAnswerOptions(), SdpBuilder.NewSessionId());

        JsonElement second = await RunAsync(answer.ToString());

        second.GetProperty("ok").GetBoolean().Should().BeTrue(second.ToString() + "\n" + answer);
        second.GetProperty("signaling").GetString().Should().Be("stable");
        second.GetProperty("rids").EnumerateArray().Select(r => r.GetString()).Should().Equal("q", "h", "f");
        second.GetProperty("directions").EnumerateArray().Select(d => d.GetString()).Should().Equal("sendonly", "sendonly");
        second.GetProperty("sctp").GetBoolean().Should().BeTrue();
    }

    private static async Task<JsonElement> RunAsync(string? answer)
    {
        string html = Page.Replace("__ANSWER__", answer is null ? "null" : JsonSerializer.Serialize(answer), StringComparison.Ordinal);
        var result = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var chromium = await NamespacedChromium.CreateAsync(Deadline);
        using Socket http = chromium.OpenTcpListener(NamespacedChromium.HttpPort);
        using var stop = new CancellationTokenSource();
        Task serving = TestHttpServer.ServeAsync(
            http,
            (method, path, body) => (method, path) switch
            {
                ("GET", "/") => (200, "text/html", html),
                ("POST", "/result") => (200, "text/plain", result.TrySetResult(JsonDocument.Parse(body).RootElement.Clone()) ? "ok" : "again"),
                _ => (404, "text/plain", "not found"),
            },
            stop.Token);
        chromium.Launch();
        try
        {
            return await result.Task.WaitAsync(Deadline);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException("Chromium reported nothing. Its log:\n" + chromium.Log);
        }
        finally
        {
            stop.Cancel();
            await serving;
        }
    }
}

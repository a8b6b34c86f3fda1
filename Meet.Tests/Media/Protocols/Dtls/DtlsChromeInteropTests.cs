using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Meet.Modules.Media.Protocols.Dtls;
using Meet.Modules.Media.Protocols.Sdp;
using Meet.Tests.Support;

namespace Meet.Tests.Media.Protocols.Dtls;

// A stock Chromium connects to our DTLS server the way it will to the SFU: it offers, SdpBuilder answers
// ICE-lite + setup:passive with our certificate's fingerprint, a stand-in STUN responder lets ICE
// succeed, and Chromium runs DTLS-SRTP against DtlsEndpoint over real UDP on the namespace's loopback.
[TestFixture]
[Category("Browser")]
public sealed class DtlsChromeInteropTests
{
    private const int MediaPort = 40000;
    private const string IceUfrag = "meet";
    private const string IcePwd = "meetPasswordOf22Chars0";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private const string Page = """
        <!doctype html><html><body><script>
        const post = (path, body) => fetch(path, { method: 'POST', body }).then(r => r.text());
        (async () => {
          try {
            const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
            const pc = new RTCPeerConnection();
            for (const track of media.getTracks()) pc.addTransceiver(track, { direction: 'sendonly', streams: [media] });
            await pc.setLocalDescription(await pc.createOffer());
            const answer = await post('/offer', pc.localDescription.sdp);
            await pc.setRemoteDescription({ type: 'answer', sdp: answer });
            const deadline = Date.now() + 30000;
            while (!['connected', 'failed'].includes(pc.connectionState) && Date.now() < deadline) await new Promise(r => setTimeout(r, 50));
            let transport = {};
            (await pc.getStats()).forEach(s => { if (s.type === 'transport') transport = s; });
            await post('/result', JSON.stringify({ state: pc.connectionState, dtlsState: transport.dtlsState,
              srtpCipher: transport.srtpCipher, dtlsRole: transport.dtlsRole, tlsVersion: transport.tlsVersion }));
          } catch (e) { await post('/result', JSON.stringify({ error: String(e) })); }
        })();
        </script></body></html>
        """;

    // Passive: we are the DTLS server (the SFU's case). Active: we are the DTLS client and Chromium the
    // server (the .NET client library's case).
    [TestCase(SdpSetupRole.Passive, "client")]
    [TestCase(SdpSetupRole.Active, "server")]
    public async Task Chromium_completes_dtls_srtp_with_our_endpoint_over_ice_lite(SdpSetupRole ourSetup, string chromiumRole)
    {
        var (ours, browser, mediaArrived) = await ConnectAsync(pinnedFingerprint: null, ourSetup);

        browser.TryGetProperty("error", out JsonElement error).Should().BeFalse(error.ToString());
        ours.Succeeded.Should().BeTrue(ours.ToString());
        // Whoever is DTLS server picks the profile (RFC 5764 §4.1.1): we pick GCM; Chromium as server
        // picks from its own preference list. Either way both ends must agree.
        string expectedCipher = ours.Keys!.Profile == DtlsSrtpProfile.AeadAes128Gcm ? "SRTP_AEAD_AES_128_GCM" : "SRTP_AES128_CM_HMAC_SHA1_80";
        if (ourSetup == SdpSetupRole.Passive)
        {
            ours.Keys.Profile.Should().Be(DtlsSrtpProfile.AeadAes128Gcm);
        }

        browser.GetProperty("state").GetString().Should().Be("connected", browser.ToString());
        browser.GetProperty("dtlsState").GetString().Should().Be("connected");
        browser.GetProperty("dtlsRole").GetString().Should().Be(chromiumRole, $"our answer said setup:{ourSetup}");
        browser.GetProperty("srtpCipher").GetString().Should().Be(expectedCipher);
        browser.GetProperty("tlsVersion").GetString().Should().Be("FEFD", "DTLS 1.2");
        mediaArrived.Should().BeTrue("Chromium sends SRTP once DTLS completes");
    }

    [Test]
    public async Task Chromium_certificate_that_differs_from_its_offer_fingerprint_fails_the_handshake()
    {
        var (ours, browser, _) = await ConnectAsync(pinnedFingerprint: DtlsTestPair.NewCertificate().Fingerprint, SdpSetupRole.Passive);

        ours.FailureReason.Should().Be(DtlsFailureReason.FingerprintMismatch);
        browser.GetProperty("state").GetString().Should().Be("failed", browser.ToString());
    }

    private static async Task<(DtlsHandshakeResult Ours, JsonElement Browser, bool MediaArrived)> ConnectAsync(
        DtlsFingerprint? pinnedFingerprint, SdpSetupRole ourSetup)
    {
        using var chromium = await NamespacedChromium.CreateAsync(Deadline);
        using Socket http = chromium.OpenTcpListener(NamespacedChromium.HttpPort);
        using Socket udp = chromium.OpenUdp(MediaPort);
        using var stop = new CancellationTokenSource();
        var session = new BrowserSession(udp, pinnedFingerprint, ourSetup);
        Task serving = ServeAsync(http, session, stop.Token);
        Task pumping = session.PumpAsync(stop.Token);

        chromium.Launch();
        JsonElement browser;
        try
        {
            browser = await session.Result.Task.WaitAsync(Deadline);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException("Chromium reported nothing. Its log:\n" + chromium.Log);
        }

        DtlsHandshakeResult ours = await session.Dtls!.Completion.WaitAsync(Deadline);
        bool mediaArrived = ours.Succeeded && SpinWait.SpinUntil(() => session.SrtpPackets > 0, TimeSpan.FromSeconds(10));
        stop.Cancel();
        await Task.WhenAll(serving, pumping);
        session.Dtls.Dispose();
        return (ours, browser, mediaArrived);
    }

    private static Task ServeAsync(Socket listener, BrowserSession session, CancellationToken cancellation) =>
        TestHttpServer.ServeAsync(
            listener,
            (method, path, body) => (method, path) switch
            {
                ("GET", "/") => (200, "text/html", Page),
                ("POST", "/offer") => (200, "text/plain", session.Answer(body)),
                ("POST", "/result") => (200, "text/plain", session.Report(body)),
                _ => (404, "text/plain", "not found"),
            },
            cancellation);

    private sealed class BrowserSession(Socket udp, DtlsFingerprint? pinnedFingerprint, SdpSetupRole ourSetup)
    {
        private EndPoint? _browser;
        private int _srtpPackets;

        public DtlsEndpoint? Dtls { get; private set; }

        public TaskCompletionSource<JsonElement> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int SrtpPackets => Volatile.Read(ref _srtpPackets);

        public string Answer(string offerText)
        {
            SessionDescription.TryParse(offerText, out SessionDescription? offer, out SdpParseError error).Should().BeTrue(error.ToString());
            offer!.MediaDescriptions[0].Fingerprints[0].TryToDtls(out DtlsFingerprint? remote).Should().BeTrue();
            var transport = new SdpTransportParameters(IceUfrag, IcePwd, DtlsTestPair.ServerCertificate.Fingerprint, ourSetup)
            {
                Candidates = [new SdpCandidate { Foundation = "1", Transport = "udp", Priority = 2130706431, Address = "127.0.0.1", Port = MediaPort, Type = SdpCandidateType.Host }],
            };
            Dtls = new DtlsEndpoint(
                new DtlsEndpointOptions
                {
                    Role = SdpBuilder.ToDtlsRole(transport.Setup),
                    Certificate = DtlsTestPair.ServerCertificate,
                    RemoteFingerprints = [pinnedFingerprint ?? remote!],
                    HandshakeTimeout = Deadline,
                },
                d =>
                {
                    // As DTLS client we may speak before Chromium's first ICE check tells us its address;
                    // dropping is fine, BouncyCastle retransmits the ClientHello.
                    if (Volatile.Read(ref _browser) is { } browser)
                    {
                        udp.SendTo(d, SocketFlags.None, browser);
                    }
                });
            Dtls.Start();
            return SdpBuilder.CreateAnswer(offer, transport, new SdpAnswerOptions(), SdpBuilder.NewSessionId()).ToString();
        }

        public string Report(string json)
        {
            Result.TrySetResult(JsonDocument.Parse(json).RootElement.Clone());
            return "ok";
        }

        // RFC 7983 demultiplexing of what arrives on the media port.
        public async Task PumpAsync(CancellationToken cancellation)
        {
            byte[] buffer = new byte[2048];
            EndPoint any = new IPEndPoint(IPAddress.Any, 0);
            while (!cancellation.IsCancellationRequested)
            {
                SocketReceiveFromResult received;
                try
                {
                    received = await udp.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellation);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                ReadOnlySpan<byte> datagram = buffer.AsSpan(0, received.ReceivedBytes);
                Interlocked.CompareExchange(ref _browser, received.RemoteEndPoint, null);
                if (TestStunResponder.IsBindingRequest(datagram))
                {
                    udp.SendTo(TestStunResponder.BuildSuccess(datagram, (IPEndPoint)received.RemoteEndPoint, IcePwd), received.RemoteEndPoint);
                }
                else if (DtlsRecordHeader.IsDtls(datagram))
                {
                    Dtls?.Feed(datagram);
                }
                else if (datagram.Length > 0 && datagram[0] is >= 128 and <= 191)
                {
                    Interlocked.Increment(ref _srtpPackets);
                }
            }
        }
    }
}

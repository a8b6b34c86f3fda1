using Meet.Modules.Media;

namespace Meet.Tests.Browser;

// Issue 12: H.264, what Safari and hardware encoders prefer. Two Chromium participants put H.264
// (packetization-mode=1) first with setCodecPreferences — done by the test, the page stays as it is —
// so the publisher answer's first codec is H.264; the SFU detects its keyframes (IDR, SPS/PPS in
// STAP-A/FU-A) to start consumers and switch simulcast layers, and each side decodes the other's
// H.264 video.
public sealed class H264CallTests : BrowserFixture
{
    private const string PreferH264 = """
        (() => {
          const Original = window.RTCPeerConnection;
          window.__pcs = [];
          window.RTCPeerConnection = class extends Original {
            constructor(config) { super(config); window.__pcs.push(this); }
            addTransceiver(trackOrKind, init) {
              const transceiver = super.addTransceiver(trackOrKind, init);
              const kind = typeof trackOrKind === 'string' ? trackOrKind : trackOrKind.kind;
              if (kind === 'video') {
                const codecs = RTCRtpReceiver.getCapabilities('video').codecs;
                const h264 = codecs.filter(c => c.mimeType === 'video/H264' && /packetization-mode=1/.test(c.sdpFmtpLine || ''));
                transceiver.setCodecPreferences([...h264, ...codecs.filter(c => !h264.includes(c))]);
              }
              return transceiver;
            }
          };
        })();
        """;

    // The codec of every video stream the page sends (outbound-rtp) or receives (inbound-rtp).
    private const string VideoCodecs = """
        async () => {
          const found = [];
          for (const pc of window.__pcs) {
            const stats = await pc.getStats();
            stats.forEach(r => {
              if ((r.type === 'outbound-rtp' || r.type === 'inbound-rtp') && r.kind === 'video' && r.codecId && stats.get(r.codecId))
                found.push(r.type + ' ' + stats.get(r.codecId).mimeType);
            });
          }
          return [...new Set(found)].sort();
        }
        """;

    [TestCase(true)]
    [TestCase(false)]
    public async Task Chromium_participants_preferring_h264_decode_each_others_h264_video(bool simulcast)
    {
        var capable = await Harness.NewParticipantAsync(Browser);
        var canEncode = await capable.EvaluateAsync<bool>("() => RTCRtpSender.getCapabilities('video').codecs.some(c => c.mimeType === 'video/H264')");
        await capable.Context.CloseAsync();
        canEncode.Should().BeTrue("Debian's Chromium encodes H.264 (OpenH264); without it this test would need the .NET client's ffmpeg clip");

        var media = Harness.Host.Get<IMediaModule>();
        var before = media.GetResourceCounts();
        var (meetingId, _, _) = await Harness.CreateMeetingAsync();
        var pages = new List<ChromiumParticipantPage>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                var page = await Harness.NewParticipantAsync(Browser);
                await page.Context.AddInitScriptAsync(PreferH264);
                pages.Add(new ChromiumParticipantPage(page));
            }
            var aliceId = await ParticipantPages.JoinAsync(pages[0], meetingId, "Alice (H.264)", simulcast);
            var bobId = await ParticipantPages.JoinAsync(pages[1], meetingId, "Bob (H.264)", simulcast);

            await ParticipantPages.ExpectMediaFromAsync(pages[1], aliceId);
            await ParticipantPages.ExpectMediaFromAsync(pages[0], bobId);
            foreach (var page in pages)
            {
                (await page.EvaluateAsync<string[]>(VideoCodecs)).Should().Equal(["inbound-rtp video/H264", "outbound-rtp video/H264"],
                    "both send and receive H.264 through the SFU");
            }
        }
        finally
        {
            foreach (var page in pages)
                await page.DisposeAsync();
        }
        await ThreeParticipantCallTests.WaitForCountsAsync(media, c => c == before);
    }
}

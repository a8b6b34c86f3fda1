using Meet.Modules.Media;
using Microsoft.Playwright;

namespace Meet.Tests.Browser;

// Issue 12: participants whose network blocks UDP to the SFU still join. TURN: a real coturn in the
// namespace, its URL and shared secret in the host's Turn:* configuration, Chromium forced to
// iceTransportPolicy 'relay' (by the test, not the page) — media flows client -> coturn -> SFU.
// ICE-TCP: a host whose packet engine drops every UDP datagram it receives (fault injection on UDP
// channels only): Chromium's UDP checks die, its active TCP candidate reaches the SFU's passive one
// on the media port (RFC 6544, RFC 4571 framing) and the whole session runs over TCP.
[Category("Browser")]
[NonParallelizable]
public sealed class RestrictedNetworkCallTests
{
    // Wraps RTCPeerConnection before the page runs: the page's own configuration (iceServers from the
    // join response) plus iceTransportPolicy 'relay', as a browser behind a UDP-blocking firewall
    // with only TURN reachable would end up; window.__pcs lets the test read the selected pair.
    internal const string ForceRelay = """
        (() => {
          const Original = window.RTCPeerConnection;
          window.__pcs = [];
          window.RTCPeerConnection = class extends Original {
            constructor(config) { super({ ...(config || {}), iceTransportPolicy: 'relay' }); window.__pcs.push(this); }
          };
        })();
        """;

    // Records the page's PeerConnections without changing their configuration.
    private const string RecordPeerConnections = """
        (() => {
          const Original = window.RTCPeerConnection;
          window.__pcs = [];
          window.RTCPeerConnection = class extends Original {
            constructor(config) { super(config); window.__pcs.push(this); }
          };
        })();
        """;

    // Candidate types of the selected pair of every PeerConnection of the page.
    private const string SelectedCandidateTypes = """
        async () => {
          const types = [];
          for (const pc of window.__pcs) {
            const stats = await pc.getStats();
            let pair = null;
            stats.forEach(r => { if (r.type === 'transport' && r.selectedCandidatePairId) pair = stats.get(r.selectedCandidatePairId); });
            types.push(pair ? stats.get(pair.localCandidateId).candidateType + '/' + stats.get(pair.localCandidateId).protocol : 'none');
          }
          return types;
        }
        """;

    private CoturnServer turn = null!;
    private BrowserHarness harness = null!;
    private IBrowser chromium = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        turn = await CoturnServer.StartAsync();
        harness = await BrowserHarness.StartAsync(new Dictionary<string, string>
        {
            ["Turn:Urls:0"] = turn.UdpUrl,
            ["Turn:StaticAuthSecret"] = CoturnServer.Secret,
        });
        chromium = await harness.LaunchAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await harness.DisposeAsync();
        await turn.DisposeAsync();
    }

    [Test]
    public async Task Chromium_limited_to_turn_relays_its_media_through_coturn_to_the_sfu()
    {
        var media = harness.Host.Get<IMediaModule>();
        var before = media.GetResourceCounts();
        var (meetingId, _, _) = await harness.CreateMeetingAsync();
        await using var alice = new ChromiumParticipantPage(await harness.NewParticipantAsync(chromium));
        var bobPage = await harness.NewParticipantAsync(chromium);
        await bobPage.Context.AddInitScriptAsync(ForceRelay);
        await using var bob = new ChromiumParticipantPage(bobPage);

        var aliceId = await ParticipantPages.JoinAsync(alice, meetingId, "Alice");
        var bobId = await ParticipantPages.JoinAsync(bob, meetingId, "Bob (TURN only)");

        await ParticipantPages.ExpectMediaFromAsync(bob, aliceId);
        await ParticipantPages.ExpectMediaFromAsync(alice, bobId);
        (await bob.EvaluateAsync<string[]>(SelectedCandidateTypes)).Should().Equal(["relay/udp", "relay/udp"],
            "both of Bob's PeerConnections (publisher, subscriber) run over the TURN relay");
        media.GetResourceCounts().Participants.Should().Be(before.Participants + 2);
    }

    [Test]
    public async Task Chromium_whose_udp_is_dropped_runs_the_whole_session_over_ice_tcp()
    {
        await using var tcpOnly = await BrowserHarness.StartAsync(new Dictionary<string, string>
        {
            ["PacketEngine:FaultInjection:Enabled"] = "true",
            ["PacketEngine:FaultInjection:Protocol"] = "Udp",
            ["PacketEngine:FaultInjection:Direction"] = "Receive",
            ["PacketEngine:FaultInjection:LossRate"] = "1",
        });
        var (meetingId, _, _) = await tcpOnly.CreateMeetingAsync();
        IParticipantPage[] pages = [await TcpRecordedAsync(tcpOnly), await TcpRecordedAsync(tcpOnly)];
        try
        {
            var aliceId = await ParticipantPages.JoinAsync(pages[0], meetingId, "Alice (TCP)");
            var bobId = await ParticipantPages.JoinAsync(pages[1], meetingId, "Bob (TCP)");

            await ParticipantPages.ExpectMediaFromAsync(pages[1], aliceId);
            await ParticipantPages.ExpectMediaFromAsync(pages[0], bobId);
            foreach (var page in pages)
            {
                // The active TCP candidate (port 9) shows up as peer-reflexive once connected.
                (await page.EvaluateAsync<string[]>(SelectedCandidateTypes)).Should().HaveCount(2)
                    .And.OnlyContain(t => t.EndsWith("/tcp", StringComparison.Ordinal), "UDP never gets through");
            }
        }
        finally
        {
            foreach (var page in pages)
                await page.DisposeAsync();
        }
    }

    private async Task<IParticipantPage> TcpRecordedAsync(BrowserHarness host)
    {
        var page = await host.NewParticipantAsync(chromium);
        await page.Context.AddInitScriptAsync(RecordPeerConnections);
        return new ChromiumParticipantPage(page);
    }
}

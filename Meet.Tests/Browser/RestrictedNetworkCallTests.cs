using Meet.Modules.Media;
using Microsoft.Playwright;

namespace Meet.Tests.Browser;

// Issue 12: participants whose network blocks UDP to the SFU still join. TURN: a real coturn in the
// namespace, its URL and shared secret in the host's Turn:* configuration, Chromium forced to
// iceTransportPolicy 'relay' (by the test, not the page) — media flows client -> coturn -> SFU.
[Category("Browser")]
[NonParallelizable]
public sealed class RestrictedNetworkCallTests
{
    // Wraps RTCPeerConnection before the page runs: the page's own configuration (iceServers from the
    // join response) plus iceTransportPolicy 'relay', as a browser behind a UDP-blocking firewall
    // with only TURN reachable would end up; window.__pcs lets the test read the selected pair.
    private const string ForceRelay = """
        (() => {
          const Original = window.RTCPeerConnection;
          window.__pcs = [];
          window.RTCPeerConnection = class extends Original {
            constructor(config) { super({ ...(config || {}), iceTransportPolicy: 'relay' }); window.__pcs.push(this); }
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
}

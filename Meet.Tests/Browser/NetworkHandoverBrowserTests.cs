using Meet.Modules.Media;
using Meet.Modules.Media.Internal;

namespace Meet.Tests.Browser;

// Issue 15 (network handover) in the web client: a network change ('online', as the browser fires it
// when a network comes up) makes handover.ts restart ICE on both PeerConnections over the existing
// signaling connection — the publisher with its own offer, the subscriber by asking the SFU for an
// offer with new credentials — and the call goes on without a new DTLS handshake or a rejoin.
public sealed class NetworkHandoverBrowserTests : BrowserFixture
{
    [Test]
    public async Task A_network_change_restarts_ice_on_both_peer_connections_and_media_continues()
    {
        var counters = ((MediaModule)Harness.Host.Get<IMediaModule>()).Counters;
        var alice = await Harness.NewParticipantAsync(Browser);
        await MeetPage.JoinFromLandingAsync(alice, "Alice", link: null);
        var bob = await Harness.NewParticipantAsync(Browser);
        await MeetPage.JoinFromLandingAsync(bob, "Bob", alice.Url);
        await MeetPage.WaitForStateAsync(alice, MediaTimeout, "joined");
        await MeetPage.WaitForStateAsync(bob, MediaTimeout, "joined");
        var aliceId = (await MeetPage.ParticipantIdAsync(alice))!;
        var bobId = (await MeetPage.ParticipantIdAsync(bob))!;
        await ThreeParticipantCallTests.WaitForMediaAsync(bob, [aliceId]);
        await ThreeParticipantCallTests.WaitForMediaAsync(alice, [bobId]);
        var offeredBefore = IceUfrag(await bob.EvaluateAsync<string>("() => window.meet.subscriberSdp()"));
        var restartsBefore = counters.IceRestarts;

        await bob.EvaluateAsync("() => window.dispatchEvent(new Event('online'))");

        (await bob.EvaluateAsync<int>("() => window.meet.iceRestarts()")).Should().Be(2, "publisher and subscriber restart together");
        var deadline = DateTime.UtcNow + MediaTimeout;
        while (IceUfrag(await bob.EvaluateAsync<string>("() => window.meet.subscriberSdp()")) == offeredBefore && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        IceUfrag(await bob.EvaluateAsync<string>("() => window.meet.subscriberSdp()")).Should().NotBe(offeredBefore, "the SFU offered new ICE credentials");
        counters.IceRestarts.Should().BeGreaterThanOrEqualTo(restartsBefore + 2);
        // Media keeps flowing both ways on the restarted transports (same session: no rejoin).
        var bobBefore = await MeetPage.StatsAsync(bob);
        var aliceBefore = await MeetPage.StatsAsync(alice);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        (await MeetPage.StatsAsync(bob))[aliceId].FramesDecoded.Should().BeGreaterThan(bobBefore[aliceId].FramesDecoded);
        (await MeetPage.StatsAsync(alice))[bobId].FramesDecoded.Should().BeGreaterThan(aliceBefore[bobId].FramesDecoded);
        (await MeetPage.ParticipantIdAsync(bob)).Should().Be(bobId);
        (await MeetPage.StateAsync(bob)).Should().Be("joined");
        await alice.Context.CloseAsync();
        await bob.Context.CloseAsync();
    }

    private static string IceUfrag(string sdp) =>
        sdp.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("a=ice-ufrag:", StringComparison.Ordinal)) ?? "";
}

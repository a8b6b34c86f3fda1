using Meet.Modules.Media;
using Microsoft.Playwright;

namespace Meet.Tests.Browser;

// Closing a tab (no Leave, the WebSocket just drops) or killing the browser frees every
// server-side media resource of that participant.
[Category("Browser")]
[NonParallelizable]
public sealed class ResourceCleanupTests
{
    [Test]
    public async Task Closing_a_tab_frees_its_media_resources()
    {
        await using var harness = await BrowserHarness.StartAsync();
        var browser = await harness.LaunchAsync();
        var media = harness.Host.Get<IMediaModule>();
        var alice = await harness.NewParticipantAsync(browser);
        await MeetPage.JoinFromLandingAsync(alice, "Alice", link: null);
        await MeetPage.WaitForStateAsync(alice, TimeSpan.FromSeconds(20), "joined");
        await ThreeParticipantCallTests.WaitForCountsAsync(media, c => c.Producers == 2);
        var alone = media.GetResourceCounts();

        var bob = await harness.NewParticipantAsync(browser);
        await MeetPage.JoinFromLandingAsync(bob, "Bob", link: alice.Url);
        await MeetPage.WaitForStateAsync(bob, TimeSpan.FromSeconds(20), "joined");
        await ThreeParticipantCallTests.WaitForCountsAsync(media, c => c.Consumers == alone.Consumers + 4);
        media.GetResourceCounts().Participants.Should().Be(alone.Participants + 1);

        await bob.Context.CloseAsync();

        await ThreeParticipantCallTests.WaitForCountsAsync(media, c => c == alone);
        // Roster deltas are batched (Signaling:RosterBatchDelay), so Bob's tile goes shortly after his media.
        await alice.WaitForFunctionAsync("() => document.querySelectorAll('.tile').length === 0", null, new() { Timeout = 10_000 });
        (await alice.QuerySelectorAllAsync(".tile")).Should().BeEmpty();
    }

    [Test]
    public async Task Killing_the_browser_frees_its_media_resources()
    {
        await using var harness = await BrowserHarness.StartAsync();
        var media = harness.Host.Get<IMediaModule>();
        var alice = await harness.NewParticipantAsync(await harness.LaunchAsync());
        await MeetPage.JoinFromLandingAsync(alice, "Alice", link: null);
        await MeetPage.WaitForStateAsync(alice, TimeSpan.FromSeconds(20), "joined");
        await ThreeParticipantCallTests.WaitForCountsAsync(media, c => c.Producers == 2);
        var alone = media.GetResourceCounts();

        var doomed = await harness.LaunchAsync();
        var bob = await harness.NewParticipantAsync(doomed);
        await MeetPage.JoinFromLandingAsync(bob, "Bob", link: alice.Url);
        await MeetPage.WaitForStateAsync(bob, TimeSpan.FromSeconds(20), "joined");
        await ThreeParticipantCallTests.WaitForMediaAsync(alice, [(await MeetPage.ParticipantIdAsync(bob))!]);

        // The DevTools protocol's Browser.crash ends Chromium's browser process at once: no Leave,
        // no WebSocket close frame, no DTLS close_notify.
        var devTools = await doomed.NewBrowserCDPSessionAsync();
        _ = devTools.SendAsync("Browser.crash");

        await ThreeParticipantCallTests.WaitForCountsAsync(media, c => c == alone);
        await alice.WaitForSelectorAsync(".tile", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached });
    }
}

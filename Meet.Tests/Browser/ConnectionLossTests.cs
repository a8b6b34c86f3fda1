using System.Text.RegularExpressions;
using Meet.Modules.Media;
using Microsoft.Playwright;

namespace Meet.Tests.Browser;

// A dropped signaling connection: the page says it is reconnecting (SignalR's backoff), and once
// the network is back it rejoins with fresh media instead of freezing on the last frame.
[Category("Browser")]
[NonParallelizable]
public sealed partial class ConnectionLossTests
{
    [Test]
    public async Task A_dropped_connection_shows_reconnecting_then_rejoins_with_media()
    {
        await using var harness = await BrowserHarness.StartAsync();
        var browser = await harness.LaunchAsync();
        var media = harness.Host.Get<IMediaModule>();
        var alice = await harness.NewParticipantAsync(browser);
        await MeetPage.JoinFromLandingAsync(alice, "Alice", link: null);
        await MeetPage.WaitForStateAsync(alice, TimeSpan.FromSeconds(20), "joined");

        // Bob's WebSocket goes through Playwright, which can cut it like a broken network would.
        var bob = await harness.NewParticipantAsync(browser);
        var sockets = new List<IWebSocketRoute>();
        var networkDown = false;
        await bob.RouteWebSocketAsync(HubPath(), socket =>
        {
            if (networkDown)
            {
                _ = socket.CloseAsync(new WebSocketRouteCloseOptions { Code = 4000, Reason = "network down" });
                return;
            }
            socket.ConnectToServer();
            lock (sockets)
                sockets.Add(socket);
        });
        await MeetPage.JoinFromLandingAsync(bob, "Bob", link: alice.Url);
        await MeetPage.WaitForStateAsync(bob, TimeSpan.FromSeconds(20), "joined");

        networkDown = true;
        foreach (var socket in sockets.ToArray())
            await socket.CloseAsync(new WebSocketRouteCloseOptions { Code = 4000, Reason = "network down" });

        await bob.WaitForSelectorAsync("#status:has-text('Reconnecting')");
        (await MeetPage.StateAsync(bob)).Should().Be("reconnecting");
        // The server notices the dropped socket: Bob's old session and media are gone.
        await ThreeParticipantCallTests.WaitForCountsAsync(media, c => c.Participants == 1);

        networkDown = false;
        await MeetPage.WaitForStateAsync(bob, TimeSpan.FromSeconds(30), "joined");
        var secondId = await MeetPage.ParticipantIdAsync(bob);
        secondId.Should().NotBeNull();
        await ThreeParticipantCallTests.WaitForCountsAsync(media, c => c.Participants == 2 && c.Consumers == 4);
        // Both directions flow again: Bob's new subscriber PeerConnection receives Alice, and
        // Alice's existing one (its idle m-sections reused) receives Bob's re-published tracks.
        await ThreeParticipantCallTests.WaitForMediaAsync(bob, [(await MeetPage.ParticipantIdAsync(alice))!]);
        await ThreeParticipantCallTests.WaitForMediaAsync(alice, [secondId!]);
        (await alice.QuerySelectorAllAsync($".tile[data-participant-id='{secondId}']")).Should().HaveCount(1);
    }

    [GeneratedRegex("/hubs/signaling")]
    private static partial Regex HubPath();
}

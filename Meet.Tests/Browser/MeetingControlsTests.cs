using Microsoft.Playwright;

namespace Meet.Tests.Browser;

// Camera and microphone toggles: the local track stops sending, the button says so, and the other
// participant's tile shows it (SetMuted → ParticipantUpdate MUTED/UNMUTED).
[Category("Browser")]
[NonParallelizable]
public sealed class MeetingControlsTests
{
    [Test]
    public async Task Muting_the_microphone_and_camera_shows_on_the_other_participants_tile()
    {
        await using var harness = await BrowserHarness.StartAsync();
        var browser = await harness.LaunchAsync();
        var alice = await harness.NewParticipantAsync(browser);
        await MeetPage.JoinFromLandingAsync(alice, "Alice", link: null);
        await MeetPage.WaitForStateAsync(alice, TimeSpan.FromSeconds(20), "joined");
        var bob = await harness.NewParticipantAsync(browser);
        await MeetPage.JoinFromLandingAsync(bob, "Bob", link: alice.Url);
        await MeetPage.WaitForStateAsync(bob, TimeSpan.FromSeconds(20), "joined");
        var aliceTile = $".tile[data-participant-id='{await MeetPage.ParticipantIdAsync(alice)}']";
        await bob.WaitForSelectorAsync(aliceTile);

        await alice.ClickAsync("#toggle-mic");
        await alice.ClickAsync("#toggle-camera");

        (await alice.GetAttributeAsync("#toggle-mic", "aria-pressed")).Should().Be("true");
        (await alice.InnerTextAsync("#toggle-camera")).Should().Be("Start video");
        (await alice.EvaluateAsync<bool>("() => document.getElementById('local-video').srcObject.getTracks().every(t => !t.enabled)")).Should().BeTrue();
        await bob.WaitForSelectorAsync($"{aliceTile}.video-off");
        await bob.WaitForSelectorAsync($"{aliceTile} .badges:has-text('muted')");

        await alice.ClickAsync("#toggle-mic");
        await alice.ClickAsync("#toggle-camera");

        await bob.WaitForSelectorAsync($"{aliceTile}:not(.video-off)");
        await bob.WaitForFunctionAsync($"() => document.querySelector(\"{aliceTile} .badges\").textContent === ''");
        (await alice.GetAttributeAsync("#toggle-mic", "aria-pressed")).Should().Be("false");
    }
}

namespace Meet.Tests.Browser;

// The host ends the meeting (REST) while a participant is in it: the page says the meeting has
// ended rather than that the connection was lost, and the media resources are freed.
[Category("Browser")]
[NonParallelizable]
public sealed class MeetingEndTests
{
    [Test]
    public async Task Ending_the_meeting_tells_the_people_in_it_that_it_has_ended()
    {
        await using var harness = await BrowserHarness.StartAsync();
        var browser = await harness.LaunchAsync();
        var media = harness.Host.Get<Meet.Modules.Media.IMediaModule>();
        var before = media.GetResourceCounts();
        var alice = await harness.NewParticipantAsync(browser);
        await MeetPage.JoinFromLandingAsync(alice, "Alice", link: null);
        await MeetPage.WaitForStateAsync(alice, TimeSpan.FromSeconds(20), "joined");
        var meetingId = alice.Url.Split("/j/")[1];
        // The landing page keeps the host token of a meeting it created for this tab.
        var hostToken = await alice.EvaluateAsync<string>($"() => sessionStorage.getItem('meet.host.{meetingId}')");

        await harness.EndMeetingAsync(meetingId, hostToken);

        await alice.WaitForSelectorAsync("#meeting-error:has-text('has ended')");
        (await MeetPage.StateAsync(alice)).Should().Be("failed");
        await ThreeParticipantCallTests.WaitForCountsAsync(media, c => c.Participants == before.Participants);
    }
}

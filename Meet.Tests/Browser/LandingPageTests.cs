using System.Net;
using Microsoft.Playwright;

namespace Meet.Tests.Browser;

// The landing page and the meeting page's REST side, in headless Chromium.
public sealed class LandingPageTests : BrowserFixture
{
    [Test]
    public async Task Creating_a_meeting_opens_its_page_and_joins_it()
    {
        var page = await Harness.NewParticipantAsync(Browser);

        await MeetPage.JoinFromLandingAsync(page, "Alice", link: null);

        var meetingId = page.Url.Split("/j/")[1];
        (await Harness.Host.Client.GetAsync($"/v1/meetings/{meetingId}")).StatusCode.Should().Be(HttpStatusCode.OK);
        await WaitForParticipantIdAsync(page);
        await page.Context.CloseAsync();
    }

    [Test]
    public async Task Pasting_a_join_link_opens_that_meeting()
    {
        var (meetingId, _, joinUrl) = await Harness.CreateMeetingAsync();
        var page = await Harness.NewParticipantAsync(Browser);

        await MeetPage.JoinFromLandingAsync(page, "Bob", link: joinUrl);

        page.Url.Should().EndWith($"/j/{meetingId}");
        await WaitForParticipantIdAsync(page);
        await page.Context.CloseAsync();
    }

    [Test]
    public async Task A_meeting_page_without_a_stored_name_asks_for_one()
    {
        var (meetingId, _, _) = await Harness.CreateMeetingAsync();
        var page = await Harness.NewParticipantAsync(Browser);

        await page.GotoAsync($"/j/{meetingId}");
        await page.FillAsync("#name", "Carol");
        await page.ClickAsync("#join");

        await WaitForParticipantIdAsync(page);
        (await page.EvaluateAsync<string>("() => localStorage.getItem('meet.name')")).Should().Be("Carol");
        await page.Context.CloseAsync();
    }

    [Test]
    public async Task Landing_page_refuses_to_go_on_without_a_name_or_with_a_bad_id()
    {
        var page = await Harness.NewParticipantAsync(Browser);
        await page.GotoAsync("/");

        await page.ClickAsync("#create");
        (await page.InnerTextAsync("#landing-error")).Should().Contain("name");

        await page.FillAsync("#name", "Dan");
        await page.FillAsync("#meeting", "not a meeting id!");
        await page.ClickAsync("#join");
        (await page.InnerTextAsync("#landing-error")).Should().Contain("meeting id");
        page.Url.Should().Be(Harness.BaseUrl + "/");
        await page.Context.CloseAsync();
    }

    [Test]
    public async Task Unknown_meeting_says_it_does_not_exist()
    {
        var page = await Harness.NewParticipantAsync(Browser);
        await MeetPage.JoinFromLandingAsync(page, "Erin", link: "mtg-aaaaaa-bbbb-cccc");

        await page.WaitForSelectorAsync("#meeting-error");
        (await page.InnerTextAsync("#meeting-error")).Should().Contain("does not exist");
        (await MeetPage.StateAsync(page)).Should().Be("failed");
        await page.Context.CloseAsync();

        // Opening the link itself: said before the visitor is asked for a name.
        var visitor = await Harness.NewParticipantAsync(Browser);
        await visitor.GotoAsync("/j/mtg-aaaaaa-bbbb-cccc");
        await visitor.WaitForSelectorAsync("#meeting-error");
        (await visitor.InnerTextAsync("#meeting-error")).Should().Contain("does not exist");
        (await visitor.Locator("#name").CountAsync()).Should().Be(0, "no name is asked for a meeting that does not exist");
        await visitor.Context.CloseAsync();
    }

    [Test]
    public async Task Ended_meeting_says_it_has_ended()
    {
        var (meetingId, hostToken, joinUrl) = await Harness.CreateMeetingAsync();
        await Harness.EndMeetingAsync(meetingId, hostToken);
        var page = await Harness.NewParticipantAsync(Browser);

        await MeetPage.JoinFromLandingAsync(page, "Frank", link: joinUrl);

        await page.WaitForSelectorAsync("#meeting-error");
        (await page.InnerTextAsync("#meeting-error")).Should().Contain("has ended");
        await page.Context.CloseAsync();
    }

    [Test]
    public async Task Denied_camera_says_so_and_still_joins_the_meeting()
    {
        var (_, _, joinUrl) = await Harness.CreateMeetingAsync();
        var blocking = await Harness.LaunchAsync(fakeUi: false);
        var page = await Harness.NewParticipantAsync(blocking, grantMedia: false);

        await MeetPage.JoinFromLandingAsync(page, "Gina", link: joinUrl);

        await page.WaitForSelectorAsync("#media-error", new PageWaitForSelectorOptions { State = WaitForSelectorState.Visible });
        (await page.InnerTextAsync("#media-error")).Should().Contain("Camera access was denied");
        (await MeetPage.WaitForStateAsync(page, TimeSpan.FromSeconds(20), "joined", "failed")).Should().Be("joined");
        (await page.IsDisabledAsync("#toggle-camera")).Should().BeTrue();
        await blocking.CloseAsync();
    }

    private static async Task WaitForParticipantIdAsync(IPage page)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var id = await MeetPage.ParticipantIdAsync(page);
            if (id is not null)
            {
                Guid.TryParse(id, out _).Should().BeTrue();
                return;
            }
            await Task.Delay(50);
        }
        Assert.Fail("The meeting page never got a participant id: " + await page.InnerTextAsync("body"));
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Meet.Modules.Storage;
using Meet.Tests.Support;

namespace Meet.Tests.Api;

[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.Postgres)]
public sealed class GetMeetingApiTests(StorageProvider provider) : ApiTestBase(provider)
{
    [Test]
    public async Task Created_meeting_is_returned_with_its_join_url_and_host()
    {
        var meeting = await CreateMeetingAsync(hostId: "usr_get");
        var id = meeting.GetProperty("meetingId").GetString();

        var stored = await DetailsAsync(id!);

        stored.GetProperty("meetingId").GetString().Should().Be(id);
        stored.GetProperty("hostId").GetString().Should().Be("usr_get");
        stored.GetProperty("joinUrl").GetString().Should().Be(meeting.GetProperty("joinUrl").GetString());
        stored.GetProperty("createdAt").GetDateTime().Should().Be(meeting.GetProperty("createdAt").GetDateTime());
    }

    [TestCase("mtg-zzzzzz-0000-zzz")]
    [TestCase("not-a-meeting-id")]
    [TestCase("mtg-qwerty-9012-zxc-and-more")]
    public async Task Unknown_meeting_is_a_404_problem(string meetingId)
    {
        await ShouldBeProblemAsync(await GetAsync($"/v1/meetings/{meetingId}"), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Ended_meeting_is_a_410_problem()
    {
        var meeting = await CreateMeetingAsync();
        var id = meeting.GetProperty("meetingId").GetString();
        (await PostAsync($"/v1/meetings/{id}/end", token: meeting.GetProperty("accessToken").GetString())).StatusCode.Should().Be(HttpStatusCode.OK);

        await ShouldBeProblemAsync(await GetAsync($"/v1/meetings/{id}"), HttpStatusCode.Gone);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Meet.Modules.Storage;
using Meet.Tests.Support;

namespace Meet.Tests.Api;

[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.Postgres)]
public sealed class ParticipantsApiTests(StorageProvider provider) : ApiTestBase(provider)
{
    [Test]
    public async Task Participants_are_listed_with_their_roles_for_any_token_of_the_meeting()
    {
        var meeting = await CreateMeetingAsync(allowGuestJoin: true);
        var id = meeting.GetProperty("meetingId").GetString()!;
        var participant = await JoinInvitedAsync(id, await InviteAsync(meeting));
        await JoinAsync(id, userId: null);

        var response = await GetAsync($"/v1/meetings/{id}/participants", participant.GetProperty("accessToken").GetString());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var list = await response.Content.ReadFromJsonAsync<JsonElement>();
        list.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("role").GetString())
            .Should().BeEquivalentTo("participant", "guest");
    }

    [Test]
    public async Task Listing_without_a_token_is_a_401_problem()
    {
        var meeting = await CreateMeetingAsync();

        await ShouldBeProblemAsync(await GetAsync($"/v1/meetings/{meeting.GetProperty("meetingId").GetString()}/participants"), HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task Listing_with_another_meetings_token_is_a_403_problem()
    {
        var meeting = await CreateMeetingAsync();
        var other = await CreateMeetingAsync();

        var response = await GetAsync($"/v1/meetings/{meeting.GetProperty("meetingId").GetString()}/participants", other.GetProperty("accessToken").GetString());

        await ShouldBeProblemAsync(response, HttpStatusCode.Forbidden);
    }
}

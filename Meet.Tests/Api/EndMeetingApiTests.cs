using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Meet.Modules.Storage;
using Meet.Tests.Support;

namespace Meet.Tests.Api;

[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.Postgres)]
public sealed class EndMeetingApiTests(StorageProvider provider) : ApiTestBase(provider)
{
    [Test]
    public async Task Host_token_ends_the_meeting()
    {
        var meeting = await CreateMeetingAsync();
        var id = meeting.GetProperty("meetingId").GetString();

        var response = await PostAsync($"/v1/meetings/{id}/end", token: meeting.GetProperty("accessToken").GetString());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var ended = await response.Content.ReadFromJsonAsync<JsonElement>();
        ended.GetProperty("status").GetString().Should().Be("ended");
        ended.GetProperty("endedAt").GetDateTime().Should().BeOnOrAfter(ended.GetProperty("createdAt").GetDateTime());
    }

    [Test]
    public async Task Ending_an_ended_meeting_is_a_410_problem()
    {
        var meeting = await CreateMeetingAsync();
        var id = meeting.GetProperty("meetingId").GetString();
        var token = meeting.GetProperty("accessToken").GetString();
        await PostAsync($"/v1/meetings/{id}/end", token: token);

        await ShouldBeProblemAsync(await PostAsync($"/v1/meetings/{id}/end", token: token), HttpStatusCode.Gone);
    }

    [Test]
    public async Task Missing_token_is_a_401_problem_with_a_bearer_challenge()
    {
        var meeting = await CreateMeetingAsync();

        var response = await PostAsync($"/v1/meetings/{meeting.GetProperty("meetingId").GetString()}/end");

        await ShouldBeProblemAsync(response, HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.Should().ContainSingle(h => h.Scheme == "Bearer");
    }

    [Test]
    public async Task Expired_host_token_is_a_401_problem()
    {
        var meeting = await CreateMeetingAsync();
        var id = meeting.GetProperty("meetingId").GetString()!;
        var expired = TestTokens.Create(id, "host", DateTimeOffset.UtcNow.AddHours(-1));

        await ShouldBeProblemAsync(await PostAsync($"/v1/meetings/{id}/end", token: expired), HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task Host_token_signed_with_another_key_is_a_401_problem()
    {
        var meeting = await CreateMeetingAsync();
        var id = meeting.GetProperty("meetingId").GetString()!;
        var forged = TestTokens.Create(id, "host", DateTimeOffset.UtcNow.AddHours(1), signingKey: "another-key-that-is-long-enough-0123456789");

        await ShouldBeProblemAsync(await PostAsync($"/v1/meetings/{id}/end", token: forged), HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task Host_token_with_a_tampered_payload_is_a_401_problem()
    {
        var meeting = await CreateMeetingAsync();
        var other = await CreateMeetingAsync();
        var otherId = other.GetProperty("meetingId").GetString()!;
        // Re-use the genuine signature over a payload that names another meeting.
        var parts = meeting.GetProperty("accessToken").GetString()!.Split('.');
        var payload = TestTokens.Create(otherId, "host", DateTimeOffset.UtcNow.AddHours(1)).Split('.')[1];
        var tampered = $"{parts[0]}.{payload}.{parts[2]}";

        await ShouldBeProblemAsync(await PostAsync($"/v1/meetings/{otherId}/end", token: tampered), HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task Host_token_of_another_meeting_is_a_403_problem()
    {
        var meeting = await CreateMeetingAsync();
        var other = await CreateMeetingAsync();

        var response = await PostAsync($"/v1/meetings/{meeting.GetProperty("meetingId").GetString()}/end", token: other.GetProperty("accessToken").GetString());

        await ShouldBeProblemAsync(response, HttpStatusCode.Forbidden);
        (await Client.GetAsync($"/v1/meetings/{meeting.GetProperty("meetingId").GetString()}")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Participant_token_cannot_end_the_meeting()
    {
        var meeting = await CreateMeetingAsync();
        var id = meeting.GetProperty("meetingId").GetString()!;
        var participant = await JoinAsync(id, "usr_mallory");

        var response = await PostAsync($"/v1/meetings/{id}/end", token: participant.GetProperty("accessToken").GetString());

        await ShouldBeProblemAsync(response, HttpStatusCode.Forbidden);
        (await Client.GetAsync($"/v1/meetings/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Ending_an_unknown_meeting_with_a_token_for_it_is_a_404_problem()
    {
        var token = TestTokens.Create("mtg-zzzzzz-0000-zzz", "host", DateTimeOffset.UtcNow.AddHours(1));

        await ShouldBeProblemAsync(await PostAsync("/v1/meetings/mtg-zzzzzz-0000-zzz/end", token: token), HttpStatusCode.NotFound);
    }
}

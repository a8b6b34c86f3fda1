using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Meet.Modules.Storage;
using Meet.Tests.Support;

namespace Meet.Tests.Api;

// Issue 13's identity model: a userId in the body grants nothing; invitations join as participant; the
// guest policy refuses everyone else; meeting details beyond existence need a token.
[TestFixture(StorageProvider.Sqlite)]
public sealed class IdentityApiTests(StorageProvider provider) : ApiTestBase(provider)
{
    [Test]
    public async Task A_claimed_user_id_joins_as_a_guest_with_an_identity_of_the_servers_choosing()
    {
        var meeting = await CreateMeetingAsync(hostId: "usr_boss", allowGuestJoin: true);

        var joined = await JoinAsync(meeting.GetProperty("meetingId").GetString()!, userId: "usr_boss");

        joined.GetProperty("role").GetString().Should().Be("guest");
        joined.GetProperty("userId").GetString().Should().StartWith("guest-").And.NotBe("usr_boss");
    }

    [Test]
    public async Task Without_guests_a_claimed_user_id_is_refused_and_an_invitation_admits_a_participant()
    {
        var meeting = await CreateMeetingAsync(allowGuestJoin: false);
        var id = meeting.GetProperty("meetingId").GetString()!;

        await ShouldBeProblemAsync(await PostAsync($"/v1/meetings/{id}/join", """{"userId":"anyone"}"""), HttpStatusCode.Forbidden);
        var invited = await JoinInvitedAsync(id, await InviteAsync(meeting));

        invited.GetProperty("role").GetString().Should().Be("participant");
    }

    [Test]
    public async Task A_single_use_invitation_admits_once_and_a_reusable_one_many_times()
    {
        var meeting = await CreateMeetingAsync(allowGuestJoin: false);
        var id = meeting.GetProperty("meetingId").GetString()!;
        var once = await InviteAsync(meeting, singleUse: true);
        var many = await InviteAsync(meeting);

        await JoinInvitedAsync(id, once);
        await ShouldBeProblemAsync(await PostAsync($"/v1/meetings/{id}/join", JsonSerializer.Serialize(new { invitation = once })), HttpStatusCode.Forbidden);
        await JoinInvitedAsync(id, many);
        await JoinInvitedAsync(id, many);
    }

    [Test]
    public async Task Invitations_of_another_meeting_forged_ones_and_access_tokens_are_not_invitations()
    {
        var meeting = await CreateMeetingAsync(allowGuestJoin: false);
        var other = await CreateMeetingAsync(allowGuestJoin: false);
        var id = meeting.GetProperty("meetingId").GetString()!;
        var foreign = await InviteAsync(other);
        var parts = (await InviteAsync(meeting)).Split('.');
        var tampered = $"{parts[0]}.{parts[1]}.{new string('A', parts[2].Length)}";

        foreach (var invitation in new[] { foreign, tampered, meeting.GetProperty("accessToken").GetString()!, "not-a-token" })
            await ShouldBeProblemAsync(await PostAsync($"/v1/meetings/{id}/join", JsonSerializer.Serialize(new { invitation })), HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task Only_the_host_mints_invitations_and_the_lifetime_is_validated()
    {
        var meeting = await CreateMeetingAsync(allowGuestJoin: true);
        var id = meeting.GetProperty("meetingId").GetString()!;
        var guest = await JoinAsync(id, userId: null);

        await ShouldBeProblemAsync(await PostAsync($"/v1/meetings/{id}/invitations", "{}", guest.GetProperty("accessToken").GetString()), HttpStatusCode.Forbidden);
        await ShouldBeProblemAsync(await PostAsync($"/v1/meetings/{id}/invitations", "{}"), HttpStatusCode.Unauthorized);
        await ShouldBeProblemAsync(await PostAsync($"/v1/meetings/{id}/invitations", """{"expiresInMinutes":0}""", meeting.GetProperty("accessToken").GetString()), HttpStatusCode.BadRequest);
        var response = await PostAsync($"/v1/meetings/{id}/invitations", """{"expiresInMinutes":5,"singleUse":true}""", meeting.GetProperty("accessToken").GetString());
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("joinUrl").GetString().Should().Contain($"/j/{id}?invite=");
        body.GetProperty("expiresAt").GetDateTime().Should().BeBefore(DateTime.UtcNow.AddMinutes(6));
    }

    [Test]
    public async Task Meeting_details_beyond_existence_need_a_token_of_that_meeting()
    {
        var meeting = await CreateMeetingAsync(hostId: "usr_secret", title: "Secret plans");
        var other = await CreateMeetingAsync();
        var id = meeting.GetProperty("meetingId").GetString()!;

        var anonymous = await (await GetAsync($"/v1/meetings/{id}")).Content.ReadFromJsonAsync<JsonElement>();

        anonymous.GetProperty("meetingId").GetString().Should().Be(id);
        anonymous.TryGetProperty("hostId", out _).Should().BeFalse();
        anonymous.TryGetProperty("meetingTitle", out _).Should().BeFalse();
        await ShouldBeProblemAsync(await GetAsync($"/v1/meetings/{id}", other.GetProperty("accessToken").GetString()), HttpStatusCode.Forbidden);
        await ShouldBeProblemAsync(await GetAsync($"/v1/meetings/{id}", "garbage"), HttpStatusCode.Unauthorized);
        (await DetailsAsync(id)).GetProperty("meetingTitle").GetString().Should().Be("Secret plans");
    }
}

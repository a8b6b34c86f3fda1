using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Meet.Modules.Allocation;
using Meet.Modules.Storage;
using Meet.Modules.Signaling.Internal;
using Meet.Tests.Support;

namespace Meet.Tests.Api;

[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.Postgres)]
public sealed class JoinMeetingApiTests(StorageProvider provider) : ApiTestBase(provider)
{
    [Test]
    public async Task Join_returns_a_participant_token_signaling_endpoints_and_this_node()
    {
        var meeting = await CreateMeetingAsync(defaultMuted: false);
        var id = meeting.GetProperty("meetingId").GetString()!;

        var joined = await JoinInvitedAsync(id, await InviteAsync(meeting));

        joined.GetProperty("role").GetString().Should().Be("participant");
        joined.GetProperty("userId").GetString().Should().StartWith("invited-");
        joined.GetProperty("muted").GetBoolean().Should().BeFalse();
        var token = TestTokens.Read(joined.GetProperty("accessToken").GetString()!);
        token.GetPayloadValue<string>("mtg").Should().Be(id);
        token.GetPayloadValue<string>("role").Should().Be("participant");
        token.GetPayloadValue<string>("pid").Should().Be(joined.GetProperty("participantId").GetString());
        joined.GetProperty("signaling").GetProperty("signalR").GetString().Should().Be($"{MeetTestHost.PublicBaseUrl}/hubs/signaling");
        // gRPC has its own HTTP/2-only endpoint on cleartext: the join announces that one, not the base URL.
        var grpc = Host.Get<GrpcEndpoint>().Address!;
        joined.GetProperty("signaling").GetProperty("grpc").GetString().Should().Be(grpc.ToString().TrimEnd('/'));
        joined.GetProperty("signaling").GetProperty("signalRFallbacks").GetArrayLength().Should().Be(0, "a single node has no other signaling node");
        var node = joined.GetProperty("mediaNode");
        node.GetProperty("serverId").GetGuid().Should().Be(Host.Get<ILocalMediaNode>().ServerId!.Value);
        node.GetProperty("address").GetString().Should().Be("127.0.0.1");
        node.GetProperty("region").GetString().Should().Be(MeetTestHost.Region);
    }

    [Test]
    public async Task Join_lists_the_configured_fallback_signaling_nodes_hubs()
    {
        await using var host = await MeetTestHost.StartAsync(StorageProvider.Sqlite, settings: new Dictionary<string, string>
        {
            ["Node:SignalingFallbacks:0"] = "http://10.0.0.2:5000/",
            ["Node:SignalingFallbacks:1"] = "https://meet-b.example.test",
        });
        var created = await (await host.Client.PostAsJsonAsync("/v1/meetings", new { hostId = "usr_fallbacks", meetingTitle = "t", allowGuestJoin = true })).Content.ReadFromJsonAsync<JsonElement>();

        var joined = await (await host.Client.PostAsJsonAsync($"/v1/meetings/{created.GetProperty("meetingId").GetString()}/join", new { displayName = "Guest" })).Content.ReadFromJsonAsync<JsonElement>();

        joined.GetProperty("signaling").GetProperty("signalRFallbacks").EnumerateArray().Select(e => e.GetString()).Should()
            .Equal("http://10.0.0.2:5000/hubs/signaling", "https://meet-b.example.test/hubs/signaling");
    }

    [Test]
    public async Task Join_records_a_connecting_participant_on_the_assigned_node()
    {
        var meeting = await CreateMeetingAsync();
        var id = meeting.GetProperty("meetingId").GetString()!;
        var joined = await JoinAsync(id, userId: "usr_carol");

        var list = await (await GetAsync($"/v1/meetings/{id}/participants", meeting.GetProperty("accessToken").GetString())).Content.ReadFromJsonAsync<JsonElement>();

        var participant = list.GetProperty("participants").EnumerateArray().Should().ContainSingle().Subject;
        participant.GetProperty("participantId").GetString().Should().Be(joined.GetProperty("participantId").GetString());
        participant.GetProperty("connectionStatus").GetString().Should().Be("connecting");
        participant.GetProperty("mediaServerId").GetString().Should().Be(joined.GetProperty("mediaNode").GetProperty("serverId").GetString());
    }

    [Test]
    public async Task Default_muted_applies_to_participants_but_not_to_the_host()
    {
        var meeting = await CreateMeetingAsync(defaultMuted: true);
        var id = meeting.GetProperty("meetingId").GetString()!;

        var participant = await JoinAsync(id, userId: "usr_dan");
        var host = await JoinAsync(id, userId: null, token: meeting.GetProperty("accessToken").GetString());

        participant.GetProperty("muted").GetBoolean().Should().BeTrue();
        host.GetProperty("muted").GetBoolean().Should().BeFalse();
        host.GetProperty("role").GetString().Should().Be("host");
        host.GetProperty("userId").GetString().Should().Be("usr_998273_alpha");
    }

    [Test]
    public async Task Guest_joins_without_user_id_when_the_meeting_allows_guests()
    {
        var meeting = await CreateMeetingAsync(allowGuestJoin: true);

        var guest = await JoinAsync(meeting.GetProperty("meetingId").GetString()!, userId: null);

        guest.GetProperty("role").GetString().Should().Be("guest");
        guest.GetProperty("userId").GetString().Should().StartWith("guest-");
    }

    [Test]
    public async Task Guest_is_refused_with_403_when_the_meeting_disallows_guests()
    {
        var meeting = await CreateMeetingAsync(allowGuestJoin: false);

        var response = await PostAsync($"/v1/meetings/{meeting.GetProperty("meetingId").GetString()}/join", "{}");

        await ShouldBeProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task Join_without_a_body_is_a_guest_join()
    {
        var meeting = await CreateMeetingAsync(allowGuestJoin: true);

        var response = await PostAsync($"/v1/meetings/{meeting.GetProperty("meetingId").GetString()}/join");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Rejoining_with_a_participant_token_keeps_the_identity_and_ignores_a_claimed_user_id()
    {
        var meeting = await CreateMeetingAsync();
        var id = meeting.GetProperty("meetingId").GetString()!;
        var first = await JoinInvitedAsync(id, await InviteAsync(meeting));

        var again = await JoinAsync(id, userId: "usr_998273_alpha", token: first.GetProperty("accessToken").GetString());

        again.GetProperty("userId").GetString().Should().Be(first.GetProperty("userId").GetString());
        again.GetProperty("role").GetString().Should().Be("participant");
    }

    [Test]
    public async Task Join_with_a_token_of_another_meeting_is_a_403_problem()
    {
        var meeting = await CreateMeetingAsync();
        var other = await CreateMeetingAsync();

        var response = await PostAsync($"/v1/meetings/{meeting.GetProperty("meetingId").GetString()}/join", """{"userId":"u"}""", token: other.GetProperty("accessToken").GetString());

        await ShouldBeProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task Join_of_an_unknown_meeting_is_a_404_problem()
    {
        await ShouldBeProblemAsync(await PostAsync("/v1/meetings/mtg-zzzzzz-0000-zzz/join", """{"userId":"u"}"""), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Join_of_an_ended_meeting_is_a_410_problem()
    {
        var meeting = await CreateMeetingAsync();
        var id = meeting.GetProperty("meetingId").GetString();
        await PostAsync($"/v1/meetings/{id}/end", token: meeting.GetProperty("accessToken").GetString());

        await ShouldBeProblemAsync(await PostAsync($"/v1/meetings/{id}/join", """{"userId":"u"}"""), HttpStatusCode.Gone);
    }

    [Test]
    public async Task Join_with_an_invalid_bearer_token_is_a_401_not_a_silent_downgrade()
    {
        var meeting = await CreateMeetingAsync();

        var response = await PostAsync($"/v1/meetings/{meeting.GetProperty("meetingId").GetString()}/join", """{"userId":"u"}""", token: "not-a-jwt");

        await ShouldBeProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [TestCase("""{"userId":5}""", "userId")]
    [TestCase("""{"displayName":true}""", "displayName")]
    [TestCase("""{"userId":"u","region":""}""", "region")]
    public async Task Join_with_a_bad_field_is_a_400_naming_the_field(string json, string field)
    {
        var meeting = await CreateMeetingAsync();

        var problem = await ShouldBeProblemAsync(await PostAsync($"/v1/meetings/{meeting.GetProperty("meetingId").GetString()}/join", json), HttpStatusCode.BadRequest);

        problem.GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue();
    }

    [Test]
    public async Task Max_participants_count_follows_joins()
    {
        var meeting = await CreateMeetingAsync();
        var id = meeting.GetProperty("meetingId").GetString()!;
        await JoinAsync(id, "u1");
        await JoinAsync(id, "u2");
        await JoinAsync(id, "u3");

        var stored = await DetailsAsync(id!);

        stored.GetProperty("maxParticipantsCount").GetInt32().Should().Be(3);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Codesprintpro.Video.Signaling.V1;
using Meet.Modules.Signaling;
using Meet.Tests.Support;

namespace Meet.Tests.Signaling;

// Issue 16: a removed participant's tokens are revoked on every REST call and every signaling connect
// (SignalR and gRPC) and its open session is closed; a host token of one meeting opens nothing of another.
public sealed class TokenLifecycleTests : SignalingTestBase
{
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (method == HttpMethod.Post)
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        return await Host.Client.SendAsync(request);
    }

    private Task<HttpResponseMessage> RemoveAsync(string meetingId, string participantId, string token) =>
        SendAsync(HttpMethod.Delete, $"/v1/meetings/{meetingId}/participants/{participantId}", token);

    [Test]
    public async Task A_removed_participants_token_is_refused_by_rest_and_both_signaling_transports()
    {
        var (meetingId, hostToken) = await CreateMeetingAsync();
        var mallory = await JoinAsync(meetingId, "mallory");
        var alice = await JoinAsync(meetingId, "alice");

        var removed = await RemoveAsync(meetingId, mallory.ParticipantId, hostToken);

        removed.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await SendAsync(HttpMethod.Get, $"/v1/meetings/{meetingId}/participants", mallory.Token)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await SendAsync(HttpMethod.Post, $"/v1/meetings/{meetingId}/join", mallory.Token)).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "rejoining with the old token is refused too");
        var hub = await FluentActions.Awaiting(() => HubTestClient.ConnectAsync(Host.BaseAddress, mallory.Token, messagePack: false)).Should().ThrowAsync<HttpRequestException>();
        hub.Which.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        await using var grpc = new SeedGrpcTestClient(GrpcAddress);
        await grpc.SendFirstAsync(meetingId, mallory.Token, SeedGrpcTestClient.Offer(OfferSdp));
        var refused = await grpc.NextAsync();
        refused!.PayloadCase.Should().Be(ServerMessage.PayloadOneofCase.Error);
        refused.Error.Code.Should().Be(SignalingErrorCodes.Unauthorized);
        (await SendAsync(HttpMethod.Get, $"/v1/meetings/{meetingId}/participants", alice.Token)).StatusCode.Should().Be(HttpStatusCode.OK, "only the removed participant is revoked");
    }

    [Test]
    public async Task Removing_a_connected_participant_closes_its_session_and_frees_its_media()
    {
        var (meetingId, hostToken) = await CreateMeetingAsync();
        var mallory = await JoinAsync(meetingId, "mallory");
        await using var client = await HubTestClient.ConnectAsync(Host.BaseAddress, mallory.Token, messagePack: false);
        await client.JoinAsync("Mallory");
        await EventuallyAsync(() => Media.Participants.ContainsKey(mallory.ParticipantId), "mallory's media exists");

        (await RemoveAsync(meetingId, mallory.ParticipantId, hostToken)).StatusCode.Should().Be(HttpStatusCode.NoContent);

        await EventuallyAsync(() => client.IsClosed, "the removed participant's connection is closed");
        await EventuallyAsync(() => !Media.Participants.ContainsKey(mallory.ParticipantId), "its media is freed");
        client.Errors.Should().Contain(e => e.Code == SignalingErrorCodes.Forbidden);
    }

    [Test]
    public async Task Only_the_host_removes_and_only_participants_of_its_meeting()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var (otherMeetingId, otherHostToken) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        var bob = await JoinAsync(meetingId, "bob");
        var carol = await JoinAsync(otherMeetingId, "carol");

        (await RemoveAsync(meetingId, bob.ParticipantId, alice.Token)).StatusCode.Should().Be(HttpStatusCode.Forbidden, "a participant is not a host");
        (await RemoveAsync(meetingId, bob.ParticipantId, otherHostToken)).StatusCode.Should().Be(HttpStatusCode.Forbidden, "the host of another meeting");
        (await RemoveAsync(otherMeetingId, bob.ParticipantId, otherHostToken)).StatusCode.Should().Be(HttpStatusCode.NotFound, "bob is not in the other meeting");
        (await RemoveAsync(otherMeetingId, "not-a-guid", otherHostToken)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await SendAsync(HttpMethod.Get, $"/v1/meetings/{meetingId}/participants", bob.Token)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await SendAsync(HttpMethod.Get, $"/v1/meetings/{otherMeetingId}/participants", carol.Token)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task A_host_token_of_one_meeting_cannot_be_replayed_on_another()
    {
        var (meetingA, hostTokenA) = await CreateMeetingAsync();
        var (meetingB, _) = await CreateMeetingAsync();
        var bob = await JoinAsync(meetingB, "bob");

        (await SendAsync(HttpMethod.Post, $"/v1/meetings/{meetingB}/end", hostTokenA)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await SendAsync(HttpMethod.Get, $"/v1/meetings/{meetingB}/participants", hostTokenA)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await RemoveAsync(meetingB, bob.ParticipantId, hostTokenA)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await SendAsync(HttpMethod.Post, $"/v1/meetings/{meetingB}/join", hostTokenA)).StatusCode.Should().Be(HttpStatusCode.Forbidden, "the token would otherwise make its bearer host of B");
        // A participant token of A on B's gRPC stream (the hub takes its meeting from the token itself).
        var aliceA = await JoinAsync(meetingA, "alice");
        await using var grpc = new SeedGrpcTestClient(GrpcAddress);
        await grpc.SendFirstAsync(meetingB, aliceA.Token, SeedGrpcTestClient.Offer(OfferSdp));
        var refused = await grpc.NextAsync();
        refused!.Error.Code.Should().Be(SignalingErrorCodes.Forbidden);
        var meeting = JsonDocument.Parse(await (await Host.Client.GetAsync($"/v1/meetings/{meetingB}")).Content.ReadAsStringAsync());
        meeting.RootElement.GetProperty("status").GetString().Should().Be("active");
    }
}

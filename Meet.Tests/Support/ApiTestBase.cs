using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Meet.Modules.Storage;

namespace Meet.Tests.Support;

// Every API fixture runs once per storage provider against a real host on a loopback port.
public abstract class ApiTestBase(StorageProvider provider)
{
    protected StorageProvider Provider { get; } = provider;

    internal MeetTestHost Host { get; private set; } = null!;

    protected HttpClient Client => Host.Client;

    [OneTimeSetUp]
    public async Task StartHostAsync() => Host = await SharedHosts.GetAsync(Provider);

    protected static StringContent Json(string json, string mediaType = "application/json") =>
        new(json, Encoding.UTF8, mediaType);

    protected async Task<JsonElement> CreateMeetingAsync(string hostId = "usr_998273_alpha", string title = "Weekly Architecture Review", bool allowGuestJoin = true, bool defaultMuted = true)
    {
        var response = await Client.PostAsJsonAsync("/v1/meetings", new { hostId, meetingTitle = title, allowGuestJoin, defaultMuted });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    protected Task<HttpResponseMessage> PostAsync(string path, string? json = null, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (json is not null)
            request.Content = Json(json);
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return Client.SendAsync(request);
    }

    // GET /v1/meetings/{id} with a token of that meeting: without one it only says whether the meeting exists.
    protected async Task<JsonElement> DetailsAsync(string meetingId)
    {
        var token = Host.Get<Meet.Modules.Meetings.IMeetingTokens>().Issue(meetingId, "usr_reader", Meet.Modules.Storage.ParticipantRole.Host, participantId: null).Token;
        var response = await GetAsync($"/v1/meetings/{meetingId}", token);
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    protected Task<HttpResponseMessage> GetAsync(string path, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return Client.SendAsync(request);
    }

    // POST /v1/meetings/{id}/invitations with the host token of `meeting` (a CreateMeetingAsync result).
    protected async Task<string> InviteAsync(JsonElement meeting, bool singleUse = false)
    {
        var response = await PostAsync($"/v1/meetings/{meeting.GetProperty("meetingId").GetString()}/invitations",
            JsonSerializer.Serialize(new { singleUse }), meeting.GetProperty("accessToken").GetString());
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("invitation").GetString()!;
    }

    protected async Task<JsonElement> JoinInvitedAsync(string meetingId, string invitation)
    {
        var response = await PostAsync($"/v1/meetings/{meetingId}/join", JsonSerializer.Serialize(new { invitation, displayName = "Invited" }));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    protected async Task<JsonElement> JoinAsync(string meetingId, string? userId = "usr_participant", string? token = null)
    {
        var response = await PostAsync($"/v1/meetings/{meetingId}/join", userId is null ? "{}" : JsonSerializer.Serialize(new { userId }), token);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    // Asserts an RFC 7807 body with the given status and returns it.
    protected static async Task<JsonElement> ShouldBeProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, body);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        var problem = JsonDocument.Parse(body).RootElement;
        problem.GetProperty("status").GetInt32().Should().Be((int)status);
        problem.GetProperty("title").GetString().Should().NotBeNullOrEmpty();
        return problem;
    }
}

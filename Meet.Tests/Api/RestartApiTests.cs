using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Meet.Modules.Storage;
using Meet.Tests.Support;

namespace Meet.Tests.Api;

public sealed class RestartApiTests
{
    [Test]
    public async Task Meeting_and_its_host_token_survive_a_host_restart_on_sqlite()
    {
        // No Auth:SigningKey: the generated key must be persisted in the data folder for the
        // host token to stay valid after the restart.
        var dataDirectory = TempDirectory.Create("meet-restart-");
        string id, hostToken;
        await using (var first = await MeetTestHost.StartAsync(StorageProvider.Sqlite, dataDirectory, withSigningKey: false))
        {
            var created = await first.Client.PostAsJsonAsync("/v1/meetings", new { hostId = "usr_restart", meetingTitle = "Survives", allowGuestJoin = true, defaultMuted = true });
            var meeting = await created.Content.ReadFromJsonAsync<JsonElement>();
            id = meeting.GetProperty("meetingId").GetString()!;
            hostToken = meeting.GetProperty("accessToken").GetString()!;
            (await first.Client.PostAsJsonAsync($"/v1/meetings/{id}/join", new { userId = "usr_a" })).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        await using var second = await MeetTestHost.StartAsync(StorageProvider.Sqlite, dataDirectory, withSigningKey: false);
        using var details = new HttpRequestMessage(HttpMethod.Get, $"/v1/meetings/{id}");
        details.Headers.Authorization = new("Bearer", hostToken);
        var stored = await (await second.Client.SendAsync(details)).Content.ReadFromJsonAsync<JsonElement>();
        stored.GetProperty("meetingTitle").GetString().Should().Be("Survives");
        stored.GetProperty("allowGuestJoin").GetBoolean().Should().BeTrue();
        stored.GetProperty("maxParticipantsCount").GetInt32().Should().Be(1);
        using var end = new HttpRequestMessage(HttpMethod.Post, $"/v1/meetings/{id}/end");
        end.Headers.Authorization = new AuthenticationHeaderValue("Bearer", hostToken);
        (await second.Client.SendAsync(end)).StatusCode.Should().Be(HttpStatusCode.OK);
        File.Exists(Path.Combine(dataDirectory, "meet.db")).Should().BeTrue();
    }
}

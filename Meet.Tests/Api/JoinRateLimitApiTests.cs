using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Meet.Modules.Storage;
using Meet.Tests.Support;

namespace Meet.Tests.Api;

public sealed class JoinRateLimitApiTests
{
    [Test]
    public async Task Joins_beyond_the_token_bucket_are_refused_with_429_and_retry_after()
    {
        await using var host = await MeetTestHost.StartAsync(StorageProvider.Sqlite, settings: new Dictionary<string, string>
        {
            ["RateLimiting:Join:TokenLimit"] = "3",
            ["RateLimiting:Join:TokensPerPeriod"] = "1",
            ["RateLimiting:Join:ReplenishmentPeriod"] = "00:01:00",
        });
        var created = await host.Client.PostAsJsonAsync("/v1/meetings", new { hostId = "h", meetingTitle = "t", allowGuestJoin = true });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("meetingId").GetString();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
            statuses.Add((await host.Client.PostAsync($"/v1/meetings/{id}/join", null)).StatusCode);
        var refused = await host.Client.PostAsync($"/v1/meetings/{id}/join", null);

        statuses.Should().Equal(HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests);
        refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        refused.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        refused.Headers.RetryAfter.Should().NotBeNull();
        // Creating meetings is not behind the join bucket.
        (await host.Client.PostAsJsonAsync("/v1/meetings", new { hostId = "h", meetingTitle = "t" })).StatusCode.Should().Be(HttpStatusCode.Created);
    }
}

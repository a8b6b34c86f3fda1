using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Meet.Modules.Storage;
using Meet.Tests.Support;

namespace Meet.Tests.Api;

// Issue 11: GET /v1/meetings/{id}/quality lists the meeting's quality logs for its host, paged.
[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.Postgres)]
public sealed class QualityLogsApiTests(StorageProvider provider) : ApiTestBase(provider)
{
    [Test]
    public async Task The_host_pages_through_the_logs_newest_first_and_others_get_403()
    {
        var meeting = await CreateMeetingAsync(allowGuestJoin: true);
        var id = meeting.GetProperty("meetingId").GetString()!;
        var hostToken = meeting.GetProperty("accessToken").GetString();
        var at = DateTimeOffset.UtcNow;
        await Host.Get<IQualityLogRepository>().AddAsync(
            Enumerable.Range(0, 3).Select(i => new ParticipantQualityLog(0, id, "p" + i, ParticipantQualityLog.PacketLossAlert, 10 + i, 20, "VP8", at.AddSeconds(i))).ToArray(),
            CancellationToken.None);

        var first = await (await GetAsync($"/v1/meetings/{id}/quality?limit=2", hostToken)).Content.ReadFromJsonAsync<JsonElement>();
        first.GetProperty("logs").EnumerateArray().Select(l => l.GetProperty("participantId").GetString()).Should().Equal("p2", "p1");
        var log = first.GetProperty("logs")[0];
        (log.GetProperty("eventType").GetString(), log.GetProperty("packetLossPercentage").GetDecimal(), log.GetProperty("latencyRttMs").GetInt32(), log.GetProperty("codecInUse").GetString())
            .Should().Be((ParticipantQualityLog.PacketLossAlert, 12m, 20, "VP8"));
        var before = first.GetProperty("nextBefore").GetInt64();
        var second = await (await GetAsync($"/v1/meetings/{id}/quality?limit=2&before={before}", hostToken)).Content.ReadFromJsonAsync<JsonElement>();
        second.GetProperty("logs").EnumerateArray().Select(l => l.GetProperty("participantId").GetString()).Should().Equal("p0");
        second.GetProperty("nextBefore").ValueKind.Should().Be(JsonValueKind.Null);

        var guest = await JoinAsync(id, userId: null);
        await ShouldBeProblemAsync(await GetAsync($"/v1/meetings/{id}/quality", guest.GetProperty("accessToken").GetString()), HttpStatusCode.Forbidden);
        await ShouldBeProblemAsync(await GetAsync($"/v1/meetings/{id}/quality"), HttpStatusCode.Unauthorized);
    }

    [TestCase("limit=0")]
    [TestCase("limit=501")]
    [TestCase("limit=ten")]
    [TestCase("before=-3")]
    [TestCase("before=x")]
    public async Task Bad_paging_is_a_400_naming_the_field(string query)
    {
        var meeting = await CreateMeetingAsync();
        var id = meeting.GetProperty("meetingId").GetString()!;
        var problem = await ShouldBeProblemAsync(await GetAsync($"/v1/meetings/{id}/quality?{query}", meeting.GetProperty("accessToken").GetString()), HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty(query.Split('=')[0], out _).Should().BeTrue();
    }

    [Test]
    public async Task An_ended_meetings_logs_stay_readable()
    {
        var meeting = await CreateMeetingAsync();
        var id = meeting.GetProperty("meetingId").GetString()!;
        var token = meeting.GetProperty("accessToken").GetString();
        (await PostAsync($"/v1/meetings/{id}/end", token: token)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await GetAsync($"/v1/meetings/{id}/quality", token)).StatusCode.Should().Be(HttpStatusCode.OK);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Meet.Modules.Storage;
using Meet.Tests.Support;

namespace Meet.Tests.Api;

[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.Postgres)]
public sealed class ConcurrencyApiTests(StorageProvider provider) : ApiTestBase(provider)
{
    [Test]
    public async Task Two_hundred_concurrent_creates_give_two_hundred_distinct_persisted_meetings()
    {
        var creates = Enumerable.Range(0, 200).Select(i => CreateMeetingAsync(hostId: $"usr_{i}", title: $"Meeting {i}"));

        var meetings = await Task.WhenAll(creates);

        var ids = meetings.Select(m => m.GetProperty("meetingId").GetString()!).ToList();
        ids.Should().OnlyHaveUniqueItems().And.HaveCount(200);
        var meetingsRepository = Host.Get<IMeetingRepository>();
        for (var i = 0; i < ids.Count; i++)
        {
            var stored = await meetingsRepository.FindAsync(ids[i], CancellationToken.None);
            stored.Should().NotBeNull();
            stored!.Title.Should().Be($"Meeting {i}");
        }
    }

    [Test]
    public async Task Concurrent_joins_keep_max_participants_count_exact()
    {
        var meeting = await CreateMeetingAsync();
        var id = meeting.GetProperty("meetingId").GetString()!;

        var joins = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => PostAsync($"/v1/meetings/{id}/join", $$"""{"userId":"usr_{{i}}"}""")));

        joins.Select(r => r.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.OK);
        var stored = await DetailsAsync(id!);
        stored.GetProperty("maxParticipantsCount").GetInt32().Should().Be(60);
        var participants = await Host.Get<IParticipantRepository>().ListAsync(id, CancellationToken.None);
        participants.Should().HaveCount(60);
        participants.Select(p => p.ParticipantId).Should().OnlyHaveUniqueItems();
    }

    [Test]
    public async Task Joins_racing_the_end_of_a_meeting_are_either_admitted_or_refused_with_410()
    {
        var meeting = await CreateMeetingAsync();
        var id = meeting.GetProperty("meetingId").GetString()!;

        var joins = Enumerable.Range(0, 30).Select(i => PostAsync($"/v1/meetings/{id}/join", $$"""{"userId":"usr_{{i}}"}""")).ToList();
        var end = PostAsync($"/v1/meetings/{id}/end", token: meeting.GetProperty("accessToken").GetString());
        var responses = await Task.WhenAll(joins.Append(end));

        (await end).StatusCode.Should().Be(HttpStatusCode.OK);
        var joinStatuses = responses.Take(30).Select(r => r.StatusCode).ToList();
        joinStatuses.Should().OnlyContain(s => s == HttpStatusCode.OK || s == HttpStatusCode.Gone);
        var admitted = joinStatuses.Count(s => s == HttpStatusCode.OK);
        (await Host.Get<IParticipantRepository>().ListAsync(id, CancellationToken.None)).Should().HaveCount(admitted);
        (await Host.Get<IMeetingRepository>().FindAsync(id, CancellationToken.None))!.MaxParticipantsCount.Should().Be(admitted);
    }
}

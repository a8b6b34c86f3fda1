using Meet.Modules.Storage;
using Meet.Modules.Storage.Internal;
using Meet.Tests.Support;

namespace Meet.Tests.Storage;

[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.Postgres)]
public sealed class ParticipantRepositoryTests(StorageProvider provider)
{
    private static readonly DateTimeOffset Now = new(2026, 6, 7, 12, 0, 0, TimeSpan.Zero);
    private SqlDatabase database = null!;
    private ParticipantRepository participants = null!;
    private MeetingRepository meetings = null!;
    private Guid serverId;

    [SetUp]
    public async Task CreateDatabaseAsync()
    {
        database = await TestDatabase.CreateAsync(provider);
        participants = new ParticipantRepository(database);
        meetings = new MeetingRepository(database);
        serverId = await new MediaServerRepository(database).RegisterAsync("10.0.0.1", "eu", Now, CancellationToken.None);
        await meetings.TryCreateAsync(new MeetingSession("mtg-qwerty-9012-zxc", "t", "h", false, false, MeetingStatus.Active, Now, null, 0), CancellationToken.None);
    }

    [TearDown]
    public async Task DisposeDatabaseAsync() => await database.DisposeAsync();

    private MeetingParticipant Participant(string userId, string meetingId = "mtg-qwerty-9012-zxc") =>
        new(Guid.NewGuid(), meetingId, userId, "Name", ParticipantRole.Participant, ParticipantConnectionStatus.Connecting, serverId, Now);

    [Test]
    public async Task Admitted_participant_is_listed_and_raises_the_meeting_maximum()
    {
        var participant = Participant("usr_1");

        var admission = await participants.AdmitAsync(participant, CancellationToken.None);

        admission.Should().Be(new ParticipantAdmission(true, 1));
        (await participants.ListAsync(participant.MeetingId, CancellationToken.None)).Should().Equal(participant);
        (await meetings.FindAsync(participant.MeetingId, CancellationToken.None))!.MaxParticipantsCount.Should().Be(1);
    }

    [Test]
    public async Task Participant_of_an_ended_meeting_is_not_admitted()
    {
        await meetings.TryEndAsync("mtg-qwerty-9012-zxc", Now, CancellationToken.None);

        var admission = await participants.AdmitAsync(Participant("usr_1"), CancellationToken.None);

        admission.Admitted.Should().BeFalse();
        (await participants.ListAsync("mtg-qwerty-9012-zxc", CancellationToken.None)).Should().BeEmpty();
    }

    [Test]
    public async Task Participant_of_an_unknown_meeting_is_not_admitted()
    {
        (await participants.AdmitAsync(Participant("usr_1", "mtg-nothere-0000-zzz"), CancellationToken.None)).Admitted.Should().BeFalse();
    }

    [Test]
    public async Task Concurrent_admissions_count_every_participant()
    {
        var admissions = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => participants.AdmitAsync(Participant($"usr_{i}"), CancellationToken.None)));

        admissions.Select(a => a.MaxParticipantsCount).Should().BeEquivalentTo(Enumerable.Range(1, 40));
        (await meetings.FindAsync("mtg-qwerty-9012-zxc", CancellationToken.None))!.MaxParticipantsCount.Should().Be(40);
    }

    [Test]
    public async Task Only_connected_participants_count_towards_a_servers_load()
    {
        await participants.AdmitAsync(Participant("usr_1"), CancellationToken.None);
        await participants.AdmitAsync(Participant("usr_2"), CancellationToken.None);
        await database.WriteAsync(c => Dapper.SqlMapper.ExecuteAsync(c, "UPDATE meeting_participants SET connection_status = 'CONNECTED' WHERE user_id = 'usr_1'"), CancellationToken.None);

        (await participants.CountConnectedAsync(serverId, CancellationToken.None)).Should().Be(1);
    }

    [Test]
    public async Task Two_concurrent_movers_of_one_meeting_settle_on_one_node()
    {
        var servers = new MediaServerRepository(database);
        var nodeA = await servers.RegisterAsync("10.0.0.2", "eu", Now, CancellationToken.None);
        var nodeB = await servers.RegisterAsync("10.0.0.3", "eu", Now, CancellationToken.None);
        var meetingIds = Enumerable.Range(10, 12).Select(i => $"mtg-qwerty-90{i}-zxc").ToArray();
        var idsByMeeting = new Dictionary<string, Guid[]>();
        foreach (var meetingId in meetingIds)
        {
            await meetings.TryCreateAsync(new MeetingSession(meetingId, "t", "h", false, false, MeetingStatus.Active, Now, null, 0), CancellationToken.None);
            idsByMeeting[meetingId] = await AdmitConnectedAsync(meetingId, 3);
        }

        // Each meeting is moved off the dead node by two movers at once, each with its own candidate
        // (as two signaling nodes whose least-loaded queries answered differently), half A first.
        var claims = meetingIds.Select((meetingId, i) => Task.WhenAll(
            participants.ClaimMeetingMoveAsync(Claim(meetingId, i % 2 == 0 ? nodeA : nodeB, idsByMeeting[meetingId]), CancellationToken.None),
            participants.ClaimMeetingMoveAsync(Claim(meetingId, i % 2 == 0 ? nodeB : nodeA, idsByMeeting[meetingId]), CancellationToken.None))).ToArray();
        var results = await Task.WhenAll(claims);

        for (var i = 0; i < meetingIds.Length; i++)
        {
            results[i][0].Should().Be(results[i][1], "both movers of {0} must send the same node", meetingIds[i]);
            var rows = await participants.ListAsync(meetingIds[i], CancellationToken.None);
            rows.Select(p => p.AssignedMediaServerId).Should().AllBeEquivalentTo(results[i][0], "the meeting is allocated once");
        }
    }

    [Test]
    public async Task A_mover_does_not_follow_an_earlier_move_to_a_node_that_died_since()
    {
        var servers = new MediaServerRepository(database);
        var nodeA = await servers.RegisterAsync("10.0.0.2", "eu", Now, CancellationToken.None);
        var nodeB = await servers.RegisterAsync("10.0.0.3", "eu", Now, CancellationToken.None);
        var ids = await AdmitConnectedAsync("mtg-qwerty-9012-zxc", 2);
        (await participants.ClaimMeetingMoveAsync(Claim("mtg-qwerty-9012-zxc", nodeA, ids), CancellationToken.None)).Should().Be(nodeA);

        // Node A dies in turn: moving off it, the candidate B is taken, not A again.
        await servers.SetStatusAsync(nodeA, MediaServerStatus.Offline, Now, CancellationToken.None);
        (await participants.ClaimMeetingMoveAsync(Claim("mtg-qwerty-9012-zxc", nodeB, ids) with { LeavingServerId = nodeA }, CancellationToken.None)).Should().Be(nodeB);

        (await participants.ListAsync("mtg-qwerty-9012-zxc", CancellationToken.None)).Select(p => p.AssignedMediaServerId).Should().AllBeEquivalentTo(nodeB);
    }

    [Test]
    public async Task A_claim_for_a_meeting_that_does_not_exist_changes_no_row()
    {
        var ids = await AdmitConnectedAsync("mtg-qwerty-9012-zxc", 2);
        var nobody = Guid.Empty;

        // What MediaFailover's start-up warm-up runs.
        await participants.ClaimMeetingMoveAsync(new MeetingMoveClaim(Meet.Modules.Signaling.Internal.MediaFailover.WarmUpMeetingId, nobody, nobody, [nobody], Now), CancellationToken.None);

        (await participants.ListAsync("mtg-qwerty-9012-zxc", CancellationToken.None)).Select(p => p.AssignedMediaServerId).Should().AllBeEquivalentTo(serverId);
        ids.Should().HaveCount(2);
    }

    private MeetingMoveClaim Claim(string meetingId, Guid candidate, Guid[] ids) => new(meetingId, serverId, candidate, ids, Now - TimeSpan.FromSeconds(2));

    private async Task<Guid[]> AdmitConnectedAsync(string meetingId, int count)
    {
        var admitted = Enumerable.Range(0, count).Select(i => Participant($"usr_{meetingId}_{i}", meetingId)).ToArray();
        foreach (var participant in admitted)
        {
            await participants.AdmitAsync(participant, CancellationToken.None);
            await participants.SetConnectionStatusAsync(participant.ParticipantId, ParticipantConnectionStatus.Connected, Now, CancellationToken.None);
        }
        return admitted.Select(p => p.ParticipantId).ToArray();
    }
}

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
}

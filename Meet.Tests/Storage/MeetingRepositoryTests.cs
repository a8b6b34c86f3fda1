using Meet.Modules.Storage;
using Meet.Modules.Storage.Internal;
using Meet.Tests.Support;

namespace Meet.Tests.Storage;

[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.Postgres)]
public sealed class MeetingRepositoryTests(StorageProvider provider)
{
    private SqlDatabase database = null!;
    private MeetingRepository meetings = null!;

    [SetUp]
    public async Task CreateDatabaseAsync()
    {
        database = await TestDatabase.CreateAsync(provider);
        meetings = new MeetingRepository(database);
    }

    [TearDown]
    public async Task DisposeDatabaseAsync() => await database.DisposeAsync();

    private static MeetingSession Meeting(string id) =>
        new(id, "Title ✓", "usr_998273_alpha", AllowGuestJoin: true, DefaultMuted: false, MeetingStatus.Active,
            new DateTimeOffset(2026, 6, 7, 11, 48, 0, 123, TimeSpan.Zero), EndedAt: null, MaxParticipantsCount: 0);

    [Test]
    public async Task Created_meeting_reads_back_unchanged()
    {
        var meeting = Meeting("mtg-qwerty-9012-zxc");

        (await meetings.TryCreateAsync(meeting, CancellationToken.None)).Should().BeTrue();

        (await meetings.FindAsync(meeting.MeetingId, CancellationToken.None)).Should().Be(meeting);
    }

    [Test]
    public async Task End_to_end_encrypted_meeting_reads_back_with_its_flag()
    {
        var meeting = Meeting("mtg-qwerty-9012-zxc") with { EndToEndEncrypted = true };

        await meetings.TryCreateAsync(meeting, CancellationToken.None);

        (await meetings.FindAsync(meeting.MeetingId, CancellationToken.None))!.EndToEndEncrypted.Should().BeTrue();
    }

    [Test]
    public async Task A_mixing_meeting_reads_back_its_audio_mode()
    {
        var meeting = Meeting("mtg-mixing-0017-aud") with { AudioMode = Meet.Modules.Media.AudioMode.Mix };

        (await meetings.TryCreateAsync(meeting, CancellationToken.None)).Should().BeTrue();

        (await meetings.FindAsync(meeting.MeetingId, CancellationToken.None))!.AudioMode.Should().Be(Meet.Modules.Media.AudioMode.Mix);
    }

    [Test]
    public async Task Creating_an_existing_id_reports_a_collision_and_keeps_the_first()
    {
        var first = Meeting("mtg-qwerty-9012-zxc");
        await meetings.TryCreateAsync(first, CancellationToken.None);

        var created = await meetings.TryCreateAsync(first with { Title = "second" }, CancellationToken.None);

        created.Should().BeFalse();
        (await meetings.FindAsync(first.MeetingId, CancellationToken.None))!.Title.Should().Be(first.Title);
    }

    [Test]
    public async Task Ending_marks_the_meeting_ended_once()
    {
        var meeting = Meeting("mtg-qwerty-9012-zxc");
        await meetings.TryCreateAsync(meeting, CancellationToken.None);
        var endedAt = meeting.CreatedAt.AddMinutes(30);

        (await meetings.TryEndAsync(meeting.MeetingId, endedAt, CancellationToken.None)).Should().BeTrue();
        (await meetings.TryEndAsync(meeting.MeetingId, endedAt.AddMinutes(1), CancellationToken.None)).Should().BeFalse();

        var stored = await meetings.FindAsync(meeting.MeetingId, CancellationToken.None);
        stored!.Status.Should().Be(MeetingStatus.Ended);
        stored.EndedAt.Should().Be(endedAt);
    }

    [Test]
    public async Task Finding_ended_meetings_names_the_ended_and_unknown_ones_in_one_read_of_any_size()
    {
        await meetings.TryCreateAsync(Meeting("mtg-active-0001-aaa"), CancellationToken.None);
        await meetings.TryCreateAsync(Meeting("mtg-ended0-0002-bbb"), CancellationToken.None);
        await meetings.TryEndAsync("mtg-ended0-0002-bbb", DateTimeOffset.UtcNow, CancellationToken.None);
        // More ids than one statement carries (chunks of 500), all unknown but the two above.
        var ids = Enumerable.Range(0, 1200).Select(i => $"mtg-nothere-{i:0000}-zzz").Append("mtg-active-0001-aaa").Append("mtg-ended0-0002-bbb").ToList();

        var ended = await meetings.FindEndedAsync(ids, CancellationToken.None);

        ended.Should().HaveCount(1201).And.Contain("mtg-ended0-0002-bbb").And.NotContain("mtg-active-0001-aaa");
        (await meetings.FindEndedAsync([], CancellationToken.None)).Should().BeEmpty();
    }

    [Test]
    public async Task Unknown_meeting_is_null()
    {
        (await meetings.FindAsync("mtg-nothere-0000-zzz", CancellationToken.None)).Should().BeNull();
    }
}

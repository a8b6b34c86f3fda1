using Meet.Modules.Storage;
using Meet.Modules.Storage.Internal;
using Meet.Tests.Support;

namespace Meet.Tests.Storage;

// Issue 11: the seed's participant_quality_logs, written in batches and read newest first in pages.
public sealed class QualityLogRepositoryTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 5, 1, 0, 0, TimeSpan.Zero);

    [TestCase(StorageProvider.Sqlite)]
    [TestCase(StorageProvider.Postgres)]
    public async Task A_batch_is_stored_and_read_back_newest_first_in_pages_per_meeting(StorageProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var logs = new QualityLogRepository(database);
        var batch = Enumerable.Range(0, 5).Select(i => new ParticipantQualityLog(0, "mtg-a", "p" + i,
                i % 2 == 0 ? ParticipantQualityLog.PacketLossAlert : ParticipantQualityLog.IceRestart, 12.345m + i, 40 + i, "VP8", At.AddSeconds(i)))
            .Append(new ParticipantQualityLog(0, "mtg-b", "q", ParticipantQualityLog.Disconnect, 0, 0, null, At))
            .ToArray();

        await logs.AddAsync(batch, CancellationToken.None);

        var first = await logs.ListAsync("mtg-a", null, 3, CancellationToken.None);
        first.Select(l => l.UserId).Should().Equal("p4", "p3", "p2");
        first[0].Should().BeEquivalentTo(new ParticipantQualityLog(first[0].LogId, "mtg-a", "p4", ParticipantQualityLog.PacketLossAlert, 16.35m, 44, "VP8", At.AddSeconds(4)),
            "loss is DECIMAL(5,2), rounded on the way in");
        var second = await logs.ListAsync("mtg-a", first[^1].LogId, 3, CancellationToken.None);
        second.Select(l => l.UserId).Should().Equal("p1", "p0");
        (await logs.ListAsync("mtg-b", null, 10, CancellationToken.None)).Should().ContainSingle()
            .Which.Should().Match<ParticipantQualityLog>(l => l.EventType == ParticipantQualityLog.Disconnect && l.CodecInUse == null);
        (await logs.ListAsync("mtg-none", null, 10, CancellationToken.None)).Should().BeEmpty();
    }

    [TestCase(StorageProvider.Sqlite)]
    [TestCase(StorageProvider.Postgres)]
    public async Task Out_of_range_values_are_clamped_to_the_columns_and_an_empty_batch_is_nothing(StorageProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var logs = new QualityLogRepository(database);
        await logs.AddAsync([], CancellationToken.None);
        await logs.AddAsync([new ParticipantQualityLog(0, "mtg-a", "p", ParticipantQualityLog.PacketLossAlert, 250m, -5, "opus", At)], CancellationToken.None);
        var row = (await logs.ListAsync("mtg-a", null, 10, CancellationToken.None)).Single();
        (row.PacketLossPercentage, row.LatencyRttMs).Should().Be((100m, 0));
    }
}

using Dapper;
using Meet.Modules.Storage;
using Meet.Modules.Storage.Internal;
using Meet.Tests.Support;

namespace Meet.Tests.Storage;

public sealed class SqliteDatabaseTests
{
    [Test]
    public async Task Database_file_uses_write_ahead_logging()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);

        var mode = await database.ReadAsync(c => c.ExecuteScalarAsync<string>("PRAGMA journal_mode"), CancellationToken.None);

        mode.Should().Be("wal");
    }

    [Test]
    public async Task Every_pooled_connection_commits_with_synchronous_normal()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);

        // Two connections open at once are two physical connections from the pool.
        await using var first = await database.OpenAsync(CancellationToken.None);
        await using var second = await database.OpenAsync(CancellationToken.None);

        // 1 = NORMAL (sqlite.org/pragma.html#pragma_synchronous); the default in WAL mode is 2 (FULL).
        (await first.ExecuteScalarAsync<long>("PRAGMA synchronous")).Should().Be(1);
        (await second.ExecuteScalarAsync<long>("PRAGMA synchronous")).Should().Be(1);
    }

    [Test]
    public void Timestamps_compare_as_text_in_time_order()
    {
        var database = new SqliteDatabase(":memory:");
        var earlier = new DateTimeOffset(2026, 1, 9, 23, 59, 59, 999, TimeSpan.Zero);
        var later = new DateTimeOffset(2026, 1, 10, 0, 0, 0, TimeSpan.FromHours(-1));

        var comparison = string.CompareOrdinal((string)database.Timestamp(earlier), (string)database.Timestamp(later));

        comparison.Should().BeNegative();
    }
}

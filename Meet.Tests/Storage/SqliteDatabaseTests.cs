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
    public void Timestamps_compare_as_text_in_time_order()
    {
        var database = new SqliteDatabase(":memory:");
        var earlier = new DateTimeOffset(2026, 1, 9, 23, 59, 59, 999, TimeSpan.Zero);
        var later = new DateTimeOffset(2026, 1, 10, 0, 0, 0, TimeSpan.FromHours(-1));

        var comparison = string.CompareOrdinal((string)database.Timestamp(earlier), (string)database.Timestamp(later));

        comparison.Should().BeNegative();
    }
}

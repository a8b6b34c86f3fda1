using Meet.Modules.Storage;
using Meet.Modules.Storage.Internal;
using Meet.Modules.Storage.Internal.Migrations;

namespace Meet.Tests.Support;

// A fresh, empty database of either provider: a SQLite file in a temp folder or a new
// PostgreSQL database on the shared throwaway server.
internal static class TestDatabase
{
    public static async Task<SqlDatabase> CreateAsync(StorageProvider provider, bool migrate = true)
    {
        SqlDatabase database = provider == StorageProvider.Postgres
            ? new PostgresDatabase(await (await PostgresServer.SharedAsync()).CreateDatabaseAsync())
            : new SqliteDatabase(Path.Combine(TempDirectory.Create("meet-db-"), "meet.db"));
        if (migrate)
            await MigrationRunner.RunAsync(database, SchemaMigrations.All, DateTimeOffset.UtcNow, CancellationToken.None);
        return database;
    }
}

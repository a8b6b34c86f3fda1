using System.Data.Common;
using Dapper;

namespace Meet.Modules.Storage.Internal.Migrations;

internal static class MigrationRunner
{
    // Any constant works; it only has to be the same for every Meet node sharing the database.
    private const long PostgresMigrationLockKey = 0x4d656574_0001;

    // Returns how many migrations were applied (0 when the schema was already current).
    public static async Task<int> RunAsync(SqlDatabase database, IReadOnlyList<Migration> migrations, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var known = migrations.Count == 0 ? 0 : migrations[^1].Version;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (database.Provider == StorageProvider.Sqlite)
        {
            // Persistent in the file; readers then never block the writer. Not allowed inside a transaction.
            await connection.ExecuteAsync("PRAGMA journal_mode = WAL;").ConfigureAwait(false);
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (database.Provider == StorageProvider.Postgres)
        {
            // Nodes starting together must not both apply the same migration.
            await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(@Key)", new { Key = PostgresMigrationLockKey }, transaction).ConfigureAwait(false);
        }

        await connection.ExecuteAsync(
            database.Provider == StorageProvider.Postgres
                ? "CREATE TABLE IF NOT EXISTS schema_version (version INT PRIMARY KEY, name VARCHAR(128) NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
                : "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name VARCHAR(128) NOT NULL, applied_at TEXT NOT NULL)",
            transaction: transaction).ConfigureAwait(false);

        var current = await connection.ExecuteScalarAsync<int>(
            "SELECT COALESCE(MAX(version), 0) FROM schema_version", transaction: transaction).ConfigureAwait(false);
        if (current > known)
        {
            throw new StorageSchemaException(
                $"The {database.Provider} database is at schema version {current}, but this build of Meet only knows versions up to {known}. " +
                $"A newer Meet has upgraded it: run that version, or point {StorageOptions.SectionName}:{nameof(StorageOptions.Provider)} / " +
                $"its connection settings at another database.");
        }

        var applied = 0;
        foreach (var migration in migrations)
        {
            if (migration.Version <= current)
                continue;
            await ExecuteScriptAsync(connection, transaction, database.Provider == StorageProvider.Postgres ? migration.Postgres : migration.Sqlite).ConfigureAwait(false);
            await connection.ExecuteAsync(
                "INSERT INTO schema_version (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)",
                new { migration.Version, migration.Name, AppliedAt = database.Timestamp(now) },
                transaction).ConfigureAwait(false);
            applied++;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return applied;
    }

    private static Task<int> ExecuteScriptAsync(DbConnection connection, DbTransaction transaction, string script) =>
        connection.ExecuteAsync(script, transaction: transaction);
}

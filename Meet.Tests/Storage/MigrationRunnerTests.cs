using Dapper;
using Meet.Modules.Storage;
using Meet.Modules.Storage.Internal;
using Meet.Modules.Storage.Internal.Migrations;
using Meet.Tests.Support;

namespace Meet.Tests.Storage;

[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.Postgres)]
public sealed class MigrationRunnerTests(StorageProvider provider)
{
    private SqlDatabase database = null!;

    [SetUp]
    public async Task CreateEmptyDatabaseAsync() => database = await TestDatabase.CreateAsync(provider, migrate: false);

    [TearDown]
    public async Task DisposeDatabaseAsync() => await database.DisposeAsync();

    [Test]
    public async Task Empty_database_gets_every_migration_recorded_in_schema_version()
    {
        var applied = await MigrationRunner.RunAsync(database, SchemaMigrations.All, DateTimeOffset.UtcNow, CancellationToken.None);

        applied.Should().Be(SchemaMigrations.All.Count);
        var versions = await database.ReadAsync(c => c.QueryAsync<int>("SELECT version FROM schema_version ORDER BY version"), CancellationToken.None);
        versions.Should().Equal(SchemaMigrations.All.Select(m => m.Version));
    }

    [Test]
    public async Task Running_again_is_a_no_op()
    {
        await MigrationRunner.RunAsync(database, SchemaMigrations.All, DateTimeOffset.UtcNow, CancellationToken.None);

        var applied = await MigrationRunner.RunAsync(database, SchemaMigrations.All, DateTimeOffset.UtcNow, CancellationToken.None);

        applied.Should().Be(0);
        (await database.ReadAsync(c => c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM schema_version"), CancellationToken.None))
            .Should().Be(SchemaMigrations.All.Count);
    }

    [Test]
    public async Task Only_pending_migrations_are_applied_to_an_older_schema()
    {
        await MigrationRunner.RunAsync(database, SchemaMigrations.All.Take(1).ToList(), DateTimeOffset.UtcNow, CancellationToken.None);

        var applied = await MigrationRunner.RunAsync(database, SchemaMigrations.All, DateTimeOffset.UtcNow, CancellationToken.None);

        applied.Should().Be(SchemaMigrations.All.Count - 1);
    }

    [Test]
    public async Task Newer_schema_than_this_build_knows_fails_with_a_clear_error()
    {
        await MigrationRunner.RunAsync(database, SchemaMigrations.All, DateTimeOffset.UtcNow, CancellationToken.None);
        await database.WriteAsync(c => c.ExecuteAsync("INSERT INTO schema_version (version, name, applied_at) VALUES (99, 'from the future', @At)",
            new { At = database.Timestamp(DateTimeOffset.UtcNow) }), CancellationToken.None);

        var run = () => MigrationRunner.RunAsync(database, SchemaMigrations.All, DateTimeOffset.UtcNow, CancellationToken.None);

        (await run.Should().ThrowAsync<StorageSchemaException>())
            .Which.Message.Should().Contain("schema version 99").And.Contain($"up to {SchemaMigrations.All[^1].Version}");
    }

    [Test]
    public async Task Seed_tables_and_indexes_exist_with_text_user_ids()
    {
        await MigrationRunner.RunAsync(database, SchemaMigrations.All, DateTimeOffset.UtcNow, CancellationToken.None);

        var indexes = await database.ReadAsync(c => c.QueryAsync<string>(provider == StorageProvider.Postgres
            ? "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
            : "SELECT name FROM sqlite_master WHERE type = 'index'"), CancellationToken.None);
        indexes.Should().Contain(["idx_meetings_status", "idx_servers_load", "idx_participants_lookup", "idx_participants_server", "idx_quality_meeting"]);
        // SPEC: the seed's own example host id is not a UUID.
        await database.WriteAsync(c => c.ExecuteAsync(
            "INSERT INTO meeting_sessions (meeting_id, title, host_user_id, session_status, created_at) VALUES ('m', 't', 'usr_998273_alpha', 'ACTIVE', @At)",
            new { At = database.Timestamp(DateTimeOffset.UtcNow) }), CancellationToken.None);
    }
}

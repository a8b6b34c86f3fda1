using System.Data.Common;
using Meet.Modules.Storage.Internal.Migrations;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Meet.Modules.Storage.Internal;

// Registered before every other module's hosted services, so the schema is current before they start.
internal sealed partial class StorageMigrationService(SqlDatabase database, TimeProvider clock, ILogger<StorageMigrationService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        int applied;
        try
        {
            applied = await MigrationRunner.RunAsync(database, SchemaMigrations.All, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
        catch (DbException ex)
        {
            // The driver's message says what failed but not which setting to fix.
            var setting = database.Provider == StorageProvider.Postgres
                ? $"{StorageOptions.SectionName}:{nameof(StorageOptions.PostgresConnectionString)}"
                : $"{StorageOptions.SectionName}:{nameof(StorageOptions.DataDirectory)} / {StorageOptions.SectionName}:{nameof(StorageOptions.SqliteFileName)}";
            throw new StorageSchemaException($"Cannot open the {database.Provider} database configured by {setting}: {ex.Message}", ex);
        }
        LogSchemaReady(database.Provider, SchemaMigrations.All[^1].Version, applied);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "{Provider} schema at version {Version} ({Applied} migrations applied now)")]
    private partial void LogSchemaReady(StorageProvider provider, int version, int applied);
}

using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Meet.Modules.Storage.Internal;

internal sealed class StorageHealthCheck(SqlDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await database.ReadAsync(connection => connection.ExecuteScalarAsync<int>(
                new CommandDefinition("SELECT 1", cancellationToken: cancellationToken)), cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"{database.Provider} reachable");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{database.Provider} unreachable", ex);
        }
    }
}

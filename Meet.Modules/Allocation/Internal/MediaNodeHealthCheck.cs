using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Meet.Modules.Allocation.Internal;

internal sealed class MediaNodeHealthCheck(LocalMediaNode localNode, IOptions<NodeOptions> options, TimeProvider clock) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var last = localNode.LastHeartbeatAt;
        if (localNode.ServerId is null || last is null)
            return Task.FromResult(HealthCheckResult.Unhealthy("not registered"));
        var age = clock.GetUtcNow() - last.Value;
        return Task.FromResult(age <= options.Value.StaleAfter
            ? HealthCheckResult.Healthy($"heartbeat {age.TotalMilliseconds:F0} ms ago")
            : HealthCheckResult.Degraded($"last heartbeat {age.TotalMilliseconds:F0} ms ago"));
    }
}

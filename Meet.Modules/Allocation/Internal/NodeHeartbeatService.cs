using Meet.Modules.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meet.Modules.Allocation.Internal;

// Registers this node in media_servers at start, heartbeats its load every Node:HeartbeatInterval,
// and on graceful shutdown goes DRAINING (no new participants) then OFFLINE.
internal sealed partial class NodeHeartbeatService(
    IMediaServerRepository servers,
    INodeLoadSource loadSource,
    LocalMediaNode localNode,
    MediaNodeReadiness readiness,
    IOptions<NodeOptions> options,
    TimeProvider clock,
    ILogger<NodeHeartbeatService> logger) : BackgroundService
{
    private readonly NodeOptions node = options.Value;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Register before the host reports started, so the first join already finds this node; a node
        // that warms up first registers once it is warm (ExecuteAsync).
        if (!readiness.Pending)
            await RegisterAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<Guid> RegisterAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var serverId = await servers.RegisterAsync(node.PublicIp, node.Region, now, cancellationToken).ConfigureAwait(false);
        localNode.Registered(serverId, now);
        LogRegistered(serverId, node.PublicIp, node.Region);
        return serverId;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (localNode.ServerId is null)
            await readiness.Ready.WaitAsync(stoppingToken).ConfigureAwait(false);
        var serverId = localNode.ServerId ?? await RegisterAsync(stoppingToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(node.HeartbeatInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    var load = await loadSource.SampleAsync(serverId, stoppingToken).ConfigureAwait(false);
                    var now = clock.GetUtcNow();
                    await servers.HeartbeatAsync(serverId, load, now, stoppingToken).ConfigureAwait(false);
                    localNode.Heartbeated(now);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A missed beat is survivable; the registry marks us stale after Node:StaleAfter.
                    LogHeartbeatFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (localNode.ServerId is not { } serverId)
            return;
        try
        {
            await servers.SetStatusAsync(serverId, MediaServerStatus.Draining, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            LogDraining(serverId);
            var deadline = clock.GetUtcNow() + node.DrainTimeout;
            while (clock.GetUtcNow() < deadline)
            {
                var load = await loadSource.SampleAsync(serverId, cancellationToken).ConfigureAwait(false);
                if (load.ActiveConnections == 0)
                    break;
                await Task.Delay(node.HeartbeatInterval, clock, cancellationToken).ConfigureAwait(false);
            }
            await servers.SetStatusAsync(serverId, MediaServerStatus.Offline, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            LogOffline(serverId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not fatal: without heartbeats the node goes stale on its own.
            LogDeregisterFailed(ex);
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Media node {ServerId} registered at {PublicIp} in region {Region}")]
    private partial void LogRegistered(Guid serverId, string publicIp, string region);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Heartbeat failed")]
    private partial void LogHeartbeatFailed(Exception exception);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Media node {ServerId} draining")]
    private partial void LogDraining(Guid serverId);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Media node {ServerId} offline")]
    private partial void LogOffline(Guid serverId);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Could not mark the media node DRAINING/OFFLINE")]
    private partial void LogDeregisterFailed(Exception exception);
}

namespace Meet.Modules.Storage;

public interface IMediaServerRepository
{
    // Upsert by ip_address (the registry's natural key): a restarted node keeps its server_id.
    Task<Guid> RegisterAsync(string ipAddress, string region, DateTimeOffset now, CancellationToken cancellationToken);

    Task HeartbeatAsync(Guid serverId, MediaServerLoad load, DateTimeOffset now, CancellationToken cancellationToken);

    Task SetStatusAsync(Guid serverId, MediaServerStatus status, DateTimeOffset now, CancellationToken cancellationToken);

    // The seed's idx_servers_load query: ONLINE servers of the region heard from since heartbeatSince,
    // least active connections first. A null region searches every region.
    Task<MediaServer?> FindLeastLoadedAsync(string? region, DateTimeOffset heartbeatSince, CancellationToken cancellationToken);

    // FindLeastLoadedAsync without one node (the one a failover leaves).
    Task<MediaServer?> FindLeastLoadedExceptAsync(string? region, Guid excludedServerId, DateTimeOffset heartbeatSince, CancellationToken cancellationToken);

    Task<MediaServer?> FindAsync(Guid serverId, CancellationToken cancellationToken);

    // Failover: ONLINE nodes silent since heartbeatSince become OFFLINE (dead). Returns the ids this
    // call changed; run by every signaling node, the update makes only one of them see each death.
    Task<IReadOnlyList<Guid>> MarkSilentOfflineAsync(DateTimeOffset heartbeatSince, DateTimeOffset now, CancellationToken cancellationToken);
}

using Dapper;

namespace Meet.Modules.Storage.Internal;

internal sealed class MediaServerRepository(SqlDatabase database) : IMediaServerRepository
{
    private const string SelectColumns = """
        SELECT server_id AS ServerId, ip_address AS IpAddress, datacenter_region AS Region,
               current_cpu_utilization AS CpuUtilization, current_bandwidth_egress_mbps AS EgressMbps,
               active_connections_count AS ActiveConnections, server_status AS Status, last_heartbeat_at AS LastHeartbeatAt
        FROM media_servers
        """;

    // Shaped for idx_servers_load (datacenter_region, server_status, active_connections_count):
    // equality on the first two columns, ordered by the third, so the index yields the answer first.
    internal const string LeastLoadedInRegionSql = SelectColumns + """

        WHERE datacenter_region = @Region AND server_status = 'ONLINE' AND last_heartbeat_at >= @Since
        ORDER BY active_connections_count ASC
        LIMIT 1
        """;

    private const string LeastLoadedAnywhereSql = SelectColumns + """

        WHERE server_status = 'ONLINE' AND last_heartbeat_at >= @Since
        ORDER BY active_connections_count ASC
        LIMIT 1
        """;

    public Task<Guid> RegisterAsync(string ipAddress, string region, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var parameters = new
        {
            ServerId = database.Id(Guid.NewGuid()),
            IpAddress = ipAddress,
            Region = region,
            Now = database.Timestamp(now),
        };
        return database.WriteAsync(connection => connection.QuerySingleAsync<Guid>(new CommandDefinition("""
            INSERT INTO media_servers (server_id, ip_address, datacenter_region, server_status, last_heartbeat_at, created_at)
            VALUES (@ServerId, @IpAddress, @Region, 'ONLINE', @Now, @Now)
            ON CONFLICT (ip_address) DO UPDATE
                SET datacenter_region = excluded.datacenter_region, server_status = 'ONLINE', last_heartbeat_at = excluded.last_heartbeat_at
            RETURNING server_id
            """, parameters, cancellationToken: cancellationToken)), cancellationToken);
    }

    public Task HeartbeatAsync(Guid serverId, MediaServerLoad load, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var parameters = new
        {
            ServerId = database.Id(serverId),
            load.ActiveConnections,
            load.EgressMbps,
            // DECIMAL(5,2): 0.00 .. 100.00 percent.
            Cpu = Math.Round(Math.Clamp(load.CpuUtilization, 0m, 100m), 2),
            Now = database.Timestamp(now),
        };
        return database.WriteAsync(connection => connection.ExecuteAsync(new CommandDefinition("""
            UPDATE media_servers
            SET active_connections_count = @ActiveConnections, current_bandwidth_egress_mbps = @EgressMbps,
                current_cpu_utilization = @Cpu, last_heartbeat_at = @Now
            WHERE server_id = @ServerId
            """, parameters, cancellationToken: cancellationToken)), cancellationToken);
    }

    public Task SetStatusAsync(Guid serverId, MediaServerStatus status, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var parameters = new { ServerId = database.Id(serverId), Status = StatusText.Of(status), Now = database.Timestamp(now) };
        return database.WriteAsync(connection => connection.ExecuteAsync(new CommandDefinition(
            "UPDATE media_servers SET server_status = @Status, last_heartbeat_at = @Now WHERE server_id = @ServerId",
            parameters, cancellationToken: cancellationToken)), cancellationToken);
    }

    public Task<MediaServer?> FindLeastLoadedAsync(string? region, DateTimeOffset heartbeatSince, CancellationToken cancellationToken)
    {
        var parameters = new { Region = region, Since = database.Timestamp(heartbeatSince) };
        var sql = region is null ? LeastLoadedAnywhereSql : LeastLoadedInRegionSql;
        return QueryOneAsync(sql, parameters, cancellationToken);
    }

    public Task<MediaServer?> FindLeastLoadedExceptAsync(string? region, Guid excludedServerId, DateTimeOffset heartbeatSince, CancellationToken cancellationToken)
    {
        var parameters = new { Region = region, Since = database.Timestamp(heartbeatSince), Excluded = database.Id(excludedServerId) };
        var sql = (region is null ? LeastLoadedAnywhereSql : LeastLoadedInRegionSql).Replace("ORDER BY", "AND server_id <> @Excluded\nORDER BY", StringComparison.Ordinal);
        return QueryOneAsync(sql, parameters, cancellationToken);
    }

    public Task<MediaServer?> FindAsync(Guid serverId, CancellationToken cancellationToken) =>
        QueryOneAsync(SelectColumns + " WHERE server_id = @ServerId", new { ServerId = database.Id(serverId) }, cancellationToken);

    public Task<IReadOnlyList<Guid>> MarkSilentOfflineAsync(DateTimeOffset heartbeatSince, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync<IReadOnlyList<Guid>>(async connection => (await connection.QueryAsync<Guid>(new CommandDefinition("""
            UPDATE media_servers SET server_status = 'OFFLINE'
            WHERE server_status = 'ONLINE' AND last_heartbeat_at < @Since
            RETURNING server_id
            """, new { Since = database.Timestamp(heartbeatSince), Now = database.Timestamp(now) }, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList(),
            cancellationToken);

    private Task<MediaServer?> QueryOneAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<MediaServerRow>(
                new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return row?.ToMediaServer();
        }, cancellationToken);

    private sealed class MediaServerRow
    {
        public Guid ServerId { get; set; }
        public string IpAddress { get; set; } = "";
        public string Region { get; set; } = "";
        public decimal CpuUtilization { get; set; }
        public int EgressMbps { get; set; }
        public int ActiveConnections { get; set; }
        public string Status { get; set; } = "";
        public DateTimeOffset LastHeartbeatAt { get; set; }

        public MediaServer ToMediaServer() => new(
            ServerId, IpAddress, Region, CpuUtilization, EgressMbps, ActiveConnections,
            StatusText.Parse<MediaServerStatus>(Status), LastHeartbeatAt);
    }
}

using Dapper;

namespace Meet.Modules.Storage.Internal;

internal sealed class QualityLogRepository(SqlDatabase database) : IQualityLogRepository
{
    public const int MaxPageSize = 500;

    public Task AddAsync(IReadOnlyList<ParticipantQualityLog> logs, CancellationToken cancellationToken)
    {
        if (logs.Count == 0)
            return Task.CompletedTask;
        var rows = logs.Select(log => new
        {
            log.MeetingId,
            log.UserId,
            log.EventType,
            // DECIMAL(5,2): 0.00 .. 100.00 percent.
            Loss = Math.Round(Math.Clamp(log.PacketLossPercentage, 0m, 100m), 2, MidpointRounding.AwayFromZero),
            Rtt = Math.Max(0, log.LatencyRttMs),
            log.CodecInUse,
            CreatedAt = database.Timestamp(log.CreatedAt),
        }).ToArray();
        return database.InTransactionAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO participant_quality_logs (meeting_id, user_id, event_type, packet_loss_percentage, latency_rtt_ms, codec_in_use, created_at)
            VALUES (@MeetingId, @UserId, @EventType, @Loss, @Rtt, @CodecInUse, @CreatedAt)
            """, rows, transaction, cancellationToken: cancellationToken)), cancellationToken);
    }

    public async Task<IReadOnlyList<ParticipantQualityLog>> ListAsync(string meetingId, long? beforeLogId, int limit, CancellationToken cancellationToken)
    {
        var loss = database.Provider == StorageProvider.Postgres ? "CAST(packet_loss_percentage AS DOUBLE PRECISION)" : "CAST(packet_loss_percentage AS REAL)";
        var parameters = new { MeetingId = meetingId, Before = beforeLogId ?? long.MaxValue, Limit = Math.Clamp(limit, 1, MaxPageSize) };
        var rows = await database.ReadAsync(connection => connection.QueryAsync<Row>(new CommandDefinition($"""
            SELECT log_id AS LogId, meeting_id AS MeetingId, user_id AS UserId, event_type AS EventType,
                   {loss} AS PacketLossPercentage, latency_rtt_ms AS LatencyRttMs, codec_in_use AS CodecInUse, created_at AS CreatedAt
            FROM participant_quality_logs
            WHERE meeting_id = @MeetingId AND log_id < @Before
            ORDER BY log_id DESC
            LIMIT @Limit
            """, parameters, cancellationToken: cancellationToken)), cancellationToken).ConfigureAwait(false);
        return rows.Select(r => new ParticipantQualityLog(r.LogId, r.MeetingId, r.UserId, r.EventType,
            Math.Round((decimal)r.PacketLossPercentage, 2), (int)r.LatencyRttMs, r.CodecInUse, r.CreatedAt)).ToArray();
    }

    // The providers return different CLR types for the same columns (SQLite: long and double); the row
    // takes what either gives and the record gets exact types.
    private sealed class Row
    {
        public long LogId { get; init; }

        public string MeetingId { get; init; } = "";

        public string UserId { get; init; } = "";

        public string EventType { get; init; } = "";

        public double PacketLossPercentage { get; init; }

        public long LatencyRttMs { get; init; }

        public string? CodecInUse { get; init; }

        public DateTimeOffset CreatedAt { get; init; }
    }
}

using Dapper;

namespace Meet.Modules.Storage.Internal;

internal sealed class ParticipantRepository(SqlDatabase database) : IParticipantRepository
{
    public Task<ParticipantAdmission> AdmitAsync(MeetingParticipant participant, CancellationToken cancellationToken)
    {
        var parameters = new
        {
            ParticipantId = database.Id(participant.ParticipantId),
            participant.MeetingId,
            participant.UserId,
            participant.DisplayName,
            Role = StatusText.Of(participant.Role),
            Status = StatusText.Of(participant.ConnectionStatus),
            ServerId = database.Id(participant.AssignedMediaServerId),
            JoinTime = database.Timestamp(participant.JoinTime),
        };
        // Inserting through a SELECT of the meeting row takes that row's lock (PostgreSQL) and
        // refuses a meeting that is missing or ENDED. Holding the lock, the UPDATE's own fresh
        // snapshot (READ COMMITTED: one per statement) sees every earlier join of this meeting, so
        // the maximum never loses an update. SQLite serialises all writers anyway. Both statements
        // travel in one batch: one round trip on PostgreSQL.
        var sql = $"""
            INSERT INTO meeting_participants (participant_id, meeting_id, user_id, display_name, participant_role, connection_status,
                                              assigned_media_server_id, join_time, last_ping_at)
            SELECT @ParticipantId, meeting_id, @UserId, @DisplayName, @Role, @Status, @ServerId, @JoinTime, @JoinTime
            FROM meeting_sessions WHERE meeting_id = @MeetingId AND session_status = 'ACTIVE'{database.RowLockClause}
            RETURNING 1;
            UPDATE meeting_sessions
            SET max_participants_count = CASE WHEN max_participants_count < live.n THEN live.n ELSE max_participants_count END
            FROM (SELECT COUNT(*) AS n FROM meeting_participants
                  WHERE meeting_id = @MeetingId AND connection_status <> 'DISCONNECTED') AS live
            WHERE meeting_id = @MeetingId
            RETURNING max_participants_count;
            """;
        return database.AtomicBatchAsync(async (connection, transaction) =>
        {
            using var results = await connection.QueryMultipleAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var inserted = (await results.ReadAsync<int>().ConfigureAwait(false)).Any();
            var maximum = await results.ReadSingleOrDefaultAsync<int?>().ConfigureAwait(false);
            return inserted ? new ParticipantAdmission(true, maximum ?? 0) : new ParticipantAdmission(false, 0);
        }, cancellationToken);
    }

    private const string SelectColumns = """
        SELECT participant_id AS ParticipantId, meeting_id AS MeetingId, user_id AS UserId, display_name AS DisplayName,
               participant_role AS Role, connection_status AS ConnectionStatus,
               assigned_media_server_id AS AssignedMediaServerId, join_time AS JoinTime
        FROM meeting_participants
        """;

    // The seed's idx_participants_server query (partial index on CONNECTED rows): who a dead media
    // node was serving.
    internal const string ConnectedOnServerSql = SelectColumns + """

        WHERE assigned_media_server_id = @ServerId AND connection_status = 'CONNECTED'
        """;

    public Task<IReadOnlyList<MeetingParticipant>> ListAsync(string meetingId, CancellationToken cancellationToken) =>
        QueryAsync(SelectColumns + " WHERE meeting_id = @MeetingId ORDER BY join_time, participant_id", new { MeetingId = meetingId }, cancellationToken);

    public Task<IReadOnlyList<MeetingParticipant>> ListConnectedOnServerAsync(Guid mediaServerId, CancellationToken cancellationToken) =>
        QueryAsync(ConnectedOnServerSql, new { ServerId = database.Id(mediaServerId) }, cancellationToken);

    public async Task<MeetingParticipant?> FindAsync(Guid participantId, CancellationToken cancellationToken) =>
        (await QueryAsync(SelectColumns + " WHERE participant_id = @ParticipantId", new { ParticipantId = database.Id(participantId) }, cancellationToken).ConfigureAwait(false))
        .FirstOrDefault();

    // The node another participant of the meeting (not DISCONNECTED) already uses, if it is ONLINE and
    // heard from since heartbeatSince: a meeting's participants must share one SFU.
    public Task<Guid?> FindMeetingMediaServerAsync(string meetingId, DateTimeOffset heartbeatSince, Guid? excludedServerId, CancellationToken cancellationToken) =>
        database.ReadAsync(connection => connection.QueryFirstOrDefaultAsync<Guid?>(new CommandDefinition($"""
            SELECT p.assigned_media_server_id
            FROM meeting_participants p JOIN media_servers s ON s.server_id = p.assigned_media_server_id
            WHERE p.meeting_id = @MeetingId AND p.connection_status <> 'DISCONNECTED'
              AND s.server_status = 'ONLINE' AND s.last_heartbeat_at >= @Since{(excludedServerId is null ? "" : " AND s.server_id <> @Excluded")}
            ORDER BY p.join_time DESC
            LIMIT 1
            """, new { MeetingId = meetingId, Since = database.Timestamp(heartbeatSince), Excluded = excludedServerId is { } id ? database.Id(id) : null },
            cancellationToken: cancellationToken)), cancellationToken);

    // The meeting row's lock (PostgreSQL FOR UPDATE; SQLite's single writer) orders concurrent movers
    // of one meeting: whoever comes second reads the first one's reassignment, committed, and joins it.
    public Task<Guid> ClaimMeetingMoveAsync(MeetingMoveClaim claim, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
                $"SELECT meeting_id FROM meeting_sessions WHERE meeting_id = @MeetingId{database.RowLockClause}",
                new { claim.MeetingId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var current = await connection.QueryFirstOrDefaultAsync<Guid?>(new CommandDefinition("""
                SELECT p.assigned_media_server_id
                FROM meeting_participants p JOIN media_servers s ON s.server_id = p.assigned_media_server_id
                WHERE p.meeting_id = @MeetingId AND p.connection_status <> 'DISCONNECTED'
                  AND s.server_status = 'ONLINE' AND s.last_heartbeat_at >= @Since AND s.server_id <> @Leaving
                ORDER BY p.join_time DESC
                LIMIT 1
                """, new { claim.MeetingId, Since = database.Timestamp(claim.HeartbeatSince), Leaving = database.Id(claim.LeavingServerId) },
                transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var target = current ?? claim.CandidateServerId;
            // PostgreSQL takes the ids as one uuid[] parameter; for SQLite Dapper expands the list.
            var postgres = database.Provider == StorageProvider.Postgres;
            System.Collections.IEnumerable ids = postgres ? claim.ParticipantIds.ToArray() : claim.ParticipantIds.Select(database.Id).Cast<string>().ToArray();
            await connection.ExecuteAsync(new CommandDefinition($"""
                UPDATE meeting_participants SET assigned_media_server_id = @Target
                WHERE meeting_id = @MeetingId AND (assigned_media_server_id = @Leaving OR participant_id {(postgres ? "= ANY(@Ids)" : "IN @Ids")})
                """, new { claim.MeetingId, Target = database.Id(target), Leaving = database.Id(claim.LeavingServerId), Ids = ids },
                transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return target;
        }, cancellationToken);

    private Task<IReadOnlyList<MeetingParticipant>> QueryAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<MeetingParticipant>>(async connection =>
        {
            var rows = await connection.QueryAsync<ParticipantRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return rows.Select(row => row.ToParticipant()).ToList();
        }, cancellationToken);

    public Task<bool> SetConnectionStatusAsync(Guid participantId, ParticipantConnectionStatus status, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.WriteAsync(async connection => await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE meeting_participants SET connection_status = @Status, last_ping_at = @At WHERE participant_id = @ParticipantId
            """, new { ParticipantId = database.Id(participantId), Status = StatusText.Of(status), At = database.Timestamp(at) }, cancellationToken: cancellationToken)).ConfigureAwait(false) > 0,
            cancellationToken);

    public Task<int> CountConnectedAsync(Guid mediaServerId, CancellationToken cancellationToken) =>
        database.ReadAsync(connection => connection.ExecuteScalarAsync<int>(new CommandDefinition("""
            SELECT COUNT(*) FROM meeting_participants
            WHERE assigned_media_server_id = @ServerId AND connection_status = 'CONNECTED'
            """, new { ServerId = database.Id(mediaServerId) }, cancellationToken: cancellationToken)), cancellationToken);

    private sealed class ParticipantRow
    {
        public Guid ParticipantId { get; set; }
        public string MeetingId { get; set; } = "";
        public string UserId { get; set; } = "";
        public string? DisplayName { get; set; }
        public string Role { get; set; } = "";
        public string ConnectionStatus { get; set; } = "";
        public Guid AssignedMediaServerId { get; set; }
        public DateTimeOffset JoinTime { get; set; }

        public MeetingParticipant ToParticipant() => new(
            ParticipantId, MeetingId, UserId, DisplayName,
            StatusText.Parse<ParticipantRole>(Role), StatusText.Parse<ParticipantConnectionStatus>(ConnectionStatus),
            AssignedMediaServerId, JoinTime);
    }
}

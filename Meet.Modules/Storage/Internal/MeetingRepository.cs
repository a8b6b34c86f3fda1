using Dapper;

namespace Meet.Modules.Storage.Internal;

internal sealed class MeetingRepository(SqlDatabase database) : IMeetingRepository
{
    private const string SelectColumns = """
        SELECT meeting_id AS MeetingId, title AS Title, host_user_id AS HostUserId,
               allow_guest_join AS AllowGuestJoin, default_muted AS DefaultMuted, session_status AS Status,
               created_at AS CreatedAt, ended_at AS EndedAt, max_participants_count AS MaxParticipantsCount,
               audio_mode AS AudioMode, e2ee AS EndToEndEncrypted
        FROM meeting_sessions
        """;

    public Task<bool> TryCreateAsync(MeetingSession meeting, CancellationToken cancellationToken)
    {
        var parameters = new
        {
            meeting.MeetingId,
            meeting.Title,
            meeting.HostUserId,
            meeting.AllowGuestJoin,
            meeting.DefaultMuted,
            meeting.EndToEndEncrypted,
            Status = StatusText.Of(meeting.Status),
            CreatedAt = database.Timestamp(meeting.CreatedAt),
            AudioMode = StatusText.Of(meeting.AudioMode),
        };
        return database.WriteAsync(async connection =>
        {
            var inserted = await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO meeting_sessions (meeting_id, title, host_user_id, allow_guest_join, default_muted, session_status, created_at, max_participants_count, audio_mode, e2ee)
                VALUES (@MeetingId, @Title, @HostUserId, @AllowGuestJoin, @DefaultMuted, @Status, @CreatedAt, 0, @AudioMode, @EndToEndEncrypted)
                ON CONFLICT (meeting_id) DO NOTHING
                """, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return inserted == 1;
        }, cancellationToken);
    }

    public Task<MeetingSession?> FindAsync(string meetingId, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<MeetingRow>(new CommandDefinition(
                SelectColumns + " WHERE meeting_id = @MeetingId", new { MeetingId = meetingId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return row?.ToMeeting();
        }, cancellationToken);

    // Bounded statements: SQLite allows 32,766 parameters, and a smaller IN list plans the same.
    private const int EndedQueryChunk = 500;

    public Task<IReadOnlyCollection<string>> FindEndedAsync(IReadOnlyCollection<string> meetingIds, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyCollection<string>>(async connection =>
        {
            var ended = new List<string>();
            var idsClause = database.Provider == StorageProvider.Postgres ? "= ANY(@Ids)" : "IN @Ids";
            foreach (var chunk in meetingIds.Chunk(EndedQueryChunk))
            {
                // PostgreSQL takes the ids as one array parameter; for SQLite Dapper expands the list into one
                // parameter per id.
                var active = (await connection.QueryAsync<string>(new CommandDefinition(
                    "SELECT meeting_id FROM meeting_sessions WHERE session_status = 'ACTIVE' AND meeting_id " + idsClause,
                    new { Ids = chunk }, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
                ended.AddRange(chunk.Where(id => !active.Contains(id)));
            }
            return ended;
        }, cancellationToken);

    public Task<bool> TryEndAsync(string meetingId, DateTimeOffset endedAt, CancellationToken cancellationToken)
    {
        var parameters = new { MeetingId = meetingId, EndedAt = database.Timestamp(endedAt) };
        return database.WriteAsync(async connection =>
        {
            var updated = await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE meeting_sessions SET session_status = 'ENDED', ended_at = @EndedAt
                WHERE meeting_id = @MeetingId AND session_status = 'ACTIVE'
                """, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return updated == 1;
        }, cancellationToken);
    }

    private sealed class MeetingRow
    {
        public string MeetingId { get; set; } = "";
        public string Title { get; set; } = "";
        public string HostUserId { get; set; } = "";
        public bool AllowGuestJoin { get; set; }
        public bool DefaultMuted { get; set; }
        public string Status { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? EndedAt { get; set; }
        public int MaxParticipantsCount { get; set; }
        public string AudioMode { get; set; } = "FORWARD";
        public bool EndToEndEncrypted { get; set; }

        public MeetingSession ToMeeting() => new(
            MeetingId, Title, HostUserId, AllowGuestJoin, DefaultMuted,
            StatusText.Parse<MeetingStatus>(Status), CreatedAt, EndedAt, MaxParticipantsCount,
            StatusText.Parse<Media.AudioMode>(AudioMode), EndToEndEncrypted);
    }
}

namespace Meet.Modules.Storage.Internal.Migrations;

// Append-only: a released migration is never edited, a change is a new version.
internal static class SchemaMigrations
{
    // Version 1 is the seed's schema (shared/seed/schema.sql) with one deliberate change from
    // SPEC: user ids are opaque text (the seed's own example is "usr_998273_alpha"), not UUID.
    private static readonly Migration SeedSchema = new(1, "seed schema",
        Sqlite: """
        CREATE TABLE meeting_sessions (
            meeting_id VARCHAR(64) PRIMARY KEY,
            title VARCHAR(256) NOT NULL,
            host_user_id VARCHAR(64) NOT NULL,
            session_status VARCHAR(32) NOT NULL DEFAULT 'ACTIVE',
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            ended_at TEXT,
            max_participants_count INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX idx_meetings_status ON meeting_sessions (session_status, created_at DESC);

        CREATE TABLE media_servers (
            server_id TEXT PRIMARY KEY,
            ip_address VARCHAR(45) NOT NULL UNIQUE,
            datacenter_region VARCHAR(64) NOT NULL,
            current_cpu_utilization DECIMAL(5, 2) NOT NULL DEFAULT 0.00,
            current_bandwidth_egress_mbps INTEGER NOT NULL DEFAULT 0,
            active_connections_count INTEGER NOT NULL DEFAULT 0,
            server_status VARCHAR(32) NOT NULL DEFAULT 'ONLINE',
            last_heartbeat_at TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX idx_servers_load ON media_servers (datacenter_region, server_status, active_connections_count ASC);

        CREATE TABLE meeting_participants (
            participant_id TEXT PRIMARY KEY,
            meeting_id VARCHAR(64) NOT NULL REFERENCES meeting_sessions(meeting_id) ON DELETE CASCADE,
            user_id VARCHAR(64) NOT NULL,
            connection_status VARCHAR(32) NOT NULL DEFAULT 'CONNECTING',
            assigned_media_server_id TEXT NOT NULL REFERENCES media_servers(server_id),
            join_time TEXT NOT NULL,
            leave_time TEXT,
            last_ping_at TEXT NOT NULL
        );
        CREATE INDEX idx_participants_lookup ON meeting_participants (meeting_id, connection_status);
        CREATE INDEX idx_participants_server ON meeting_participants (assigned_media_server_id) WHERE connection_status = 'CONNECTED';

        CREATE TABLE participant_quality_logs (
            log_id INTEGER PRIMARY KEY AUTOINCREMENT,
            meeting_id VARCHAR(64) NOT NULL,
            user_id VARCHAR(64) NOT NULL,
            event_type VARCHAR(64) NOT NULL,
            packet_loss_percentage DECIMAL(5, 2) NOT NULL DEFAULT 0.00,
            latency_rtt_ms INTEGER NOT NULL DEFAULT 0,
            codec_in_use VARCHAR(32),
            created_at TEXT NOT NULL
        );
        CREATE INDEX idx_quality_meeting ON participant_quality_logs (meeting_id, created_at DESC);
        """,
        Postgres: """
        CREATE TABLE meeting_sessions (
            meeting_id VARCHAR(64) PRIMARY KEY,
            title VARCHAR(256) NOT NULL,
            host_user_id VARCHAR(64) NOT NULL,
            session_status VARCHAR(32) NOT NULL DEFAULT 'ACTIVE',
            created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
            ended_at TIMESTAMPTZ,
            max_participants_count INT NOT NULL DEFAULT 0
        );
        CREATE INDEX idx_meetings_status ON meeting_sessions (session_status, created_at DESC);

        CREATE TABLE media_servers (
            server_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
            ip_address VARCHAR(45) NOT NULL UNIQUE,
            datacenter_region VARCHAR(64) NOT NULL,
            current_cpu_utilization DECIMAL(5, 2) NOT NULL DEFAULT 0.00,
            current_bandwidth_egress_mbps INT NOT NULL DEFAULT 0,
            active_connections_count INT NOT NULL DEFAULT 0,
            server_status VARCHAR(32) NOT NULL DEFAULT 'ONLINE',
            last_heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
            created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
        );
        CREATE INDEX idx_servers_load ON media_servers (datacenter_region, server_status, active_connections_count ASC);

        CREATE TABLE meeting_participants (
            participant_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
            meeting_id VARCHAR(64) NOT NULL REFERENCES meeting_sessions(meeting_id) ON DELETE CASCADE,
            user_id VARCHAR(64) NOT NULL,
            connection_status VARCHAR(32) NOT NULL DEFAULT 'CONNECTING',
            assigned_media_server_id UUID NOT NULL REFERENCES media_servers(server_id),
            join_time TIMESTAMPTZ NOT NULL DEFAULT NOW(),
            leave_time TIMESTAMPTZ,
            last_ping_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
        );
        CREATE INDEX idx_participants_lookup ON meeting_participants (meeting_id, connection_status);
        CREATE INDEX idx_participants_server ON meeting_participants (assigned_media_server_id) WHERE connection_status = 'CONNECTED';

        CREATE TABLE participant_quality_logs (
            log_id BIGSERIAL PRIMARY KEY,
            meeting_id VARCHAR(64) NOT NULL,
            user_id VARCHAR(64) NOT NULL,
            event_type VARCHAR(64) NOT NULL,
            packet_loss_percentage DECIMAL(5, 2) NOT NULL DEFAULT 0.00,
            latency_rtt_ms INT NOT NULL DEFAULT 0,
            codec_in_use VARCHAR(32),
            created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
        );
        CREATE INDEX idx_quality_meeting ON participant_quality_logs (meeting_id, created_at DESC);
        """);

    // The create payload's allowGuestJoin / defaultMuted, and who joined as what.
    private static readonly Migration MeetingPolicyAndRoles = new(2, "meeting policy and participant roles",
        Sqlite: """
        ALTER TABLE meeting_sessions ADD COLUMN allow_guest_join BOOLEAN NOT NULL DEFAULT 0;
        ALTER TABLE meeting_sessions ADD COLUMN default_muted BOOLEAN NOT NULL DEFAULT 0;
        ALTER TABLE meeting_participants ADD COLUMN participant_role VARCHAR(16) NOT NULL DEFAULT 'PARTICIPANT';
        ALTER TABLE meeting_participants ADD COLUMN display_name VARCHAR(128);
        """,
        Postgres: """
        ALTER TABLE meeting_sessions
            ADD COLUMN allow_guest_join BOOLEAN NOT NULL DEFAULT FALSE,
            ADD COLUMN default_muted BOOLEAN NOT NULL DEFAULT FALSE;
        ALTER TABLE meeting_participants
            ADD COLUMN participant_role VARCHAR(16) NOT NULL DEFAULT 'PARTICIPANT',
            ADD COLUMN display_name VARCHAR(128);
        """);

    // The create payload's opt-in e2ee (issue 16): only the flag; the key never reaches the server.
    private static readonly Migration EndToEndEncryption = new(3, "end-to-end encryption flag",
        Sqlite: "ALTER TABLE meeting_sessions ADD COLUMN e2ee BOOLEAN NOT NULL DEFAULT 0;",
        Postgres: "ALTER TABLE meeting_sessions ADD COLUMN e2ee BOOLEAN NOT NULL DEFAULT FALSE;");

    // The create payload's audioMode (issue 17). Version 4: 3 is taken by issue 16's e2ee flag.
    private static readonly Migration AudioMode = new(4, "meeting audio mode",
        Sqlite: "ALTER TABLE meeting_sessions ADD COLUMN audio_mode VARCHAR(16) NOT NULL DEFAULT 'FORWARD';",
        Postgres: "ALTER TABLE meeting_sessions ADD COLUMN audio_mode VARCHAR(16) NOT NULL DEFAULT 'FORWARD';");

    public static IReadOnlyList<Migration> All { get; } = [SeedSchema, MeetingPolicyAndRoles, EndToEndEncryption, AudioMode];
}

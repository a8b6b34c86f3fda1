namespace Meet.Modules.Storage;

// One row of the seed's participant_quality_logs. UserId holds the participant id (what the roster,
// signaling and GET /participants name; the seed's user_id, stored as text per SPEC "User ids").
// LogId is 0 until stored.
public sealed record ParticipantQualityLog(
    long LogId,
    string MeetingId,
    string UserId,
    string EventType,
    decimal PacketLossPercentage,
    int LatencyRttMs,
    string? CodecInUse,
    DateTimeOffset CreatedAt)
{
    // The seed's event types (schema.sql: PACKET_LOSS_ALERT, ICE_RESTART, DISCONNECT).
    public const string PacketLossAlert = "PACKET_LOSS_ALERT";
    public const string IceRestart = "ICE_RESTART";
    public const string Disconnect = "DISCONNECT";
}

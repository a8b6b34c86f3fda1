namespace Meet.Modules.Meetings.Internal.Contracts;

// One participant_quality_logs row. participantId is the participant as the roster names it.
internal sealed record QualityLogResponse(
    long LogId,
    string ParticipantId,
    string EventType,
    decimal PacketLossPercentage,
    int LatencyRttMs,
    string? CodecInUse,
    DateTime CreatedAt);

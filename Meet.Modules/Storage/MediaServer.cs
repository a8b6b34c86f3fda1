namespace Meet.Modules.Storage;

public sealed record MediaServer(
    Guid ServerId,
    string IpAddress,
    string Region,
    decimal CpuUtilization,
    int EgressMbps,
    int ActiveConnections,
    MediaServerStatus Status,
    DateTimeOffset LastHeartbeatAt);

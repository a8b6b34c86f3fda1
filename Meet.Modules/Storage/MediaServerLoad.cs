namespace Meet.Modules.Storage;

public readonly record struct MediaServerLoad(int ActiveConnections, int EgressMbps, decimal CpuUtilization);

namespace Meet.Modules.Meetings.Internal.Contracts;

internal sealed record SignalingEndpoints(string SignalR, string Grpc);

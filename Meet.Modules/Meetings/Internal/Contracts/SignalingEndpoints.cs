namespace Meet.Modules.Meetings.Internal.Contracts;

// SignalRFallbacks: the hubs of the cluster's other signaling nodes (Node:SignalingFallbacks), tried in
// turn by a web page whose own node stops answering.
internal sealed record SignalingEndpoints(string SignalR, string Grpc, IReadOnlyList<string> SignalRFallbacks);

namespace Meet.Modules.Client;

// One signaling node of a cluster as a client reaches it: the base address (REST, SignalR hub) and the
// HTTP/2 gRPC endpoint (Signaling:GrpcUrl; null = the base address serves gRPC too, as over HTTPS).
public sealed record SignalingNodeAddress(Uri BaseAddress, Uri? GrpcAddress = null);

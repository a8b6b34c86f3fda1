namespace Meet.Modules.Signaling;

// Bound from the "Signaling" configuration section.
public sealed class SignalingOptions
{
    public const string SectionName = "Signaling";

    // The HTTP/2-only (h2c prior knowledge) endpoint gRPC signaling listens on beside `urls`; empty turns
    // it off (gRPC then needs an HTTPS endpoint, where ALPN picks HTTP/2). When the key is absent the
    // default follows ListenAddresses.GrpcUrl (none with an HTTPS certificate). See GrpcEndpoint.
    public const string DefaultGrpcUrl = "http://localhost:5001";

    public string GrpcUrl { get; set; } = DefaultGrpcUrl;

    // A client that sends nothing (not even Ping) for this long is dropped and its media freed.
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(15);

    // Hard transport bound: a bigger SignalR frame or gRPC message closes that one connection.
    public int MaximumReceiveMessageSize { get; set; } = 256 * 1024;

    // Application bound on one SDP or candidate: bigger ones get a 413 and the session goes on.
    public int MaximumSdpSize { get; set; } = 64 * 1024;

    // Token bucket per connection: sustained messages per second and the burst allowed on top.
    public int MessagesPerSecond { get; set; } = 50;

    public int MessageBurst { get; set; } = 100;

    // How long roster changes are collected before one batch goes out to every member.
    public TimeSpan RosterBatchDelay { get; set; } = TimeSpan.FromMilliseconds(20);
}

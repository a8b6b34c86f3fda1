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

    // A meeting ended over REST in this process, or by any signaling node, closes its sessions at once (an
    // event). This backstop reads storage once per interval, one query for every meeting the node holds,
    // for ends nothing announced (a row changed by another tool).
    public TimeSpan EndedMeetingCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    // Hard transport bound: a bigger SignalR frame or gRPC message closes that one connection.
    public int MaximumReceiveMessageSize { get; set; } = 256 * 1024;

    // Application bound on one SDP or candidate: bigger ones get a 413 and the session goes on.
    public int MaximumSdpSize { get; set; } = 64 * 1024;

    // Token bucket per connection: sustained messages per second and the burst allowed on top.
    public int MessagesPerSecond { get; set; } = 50;

    public int MessageBurst { get; set; } = 100;

    // How long roster changes are collected before one batch goes out to every member: a burst of joins
    // in one window costs each member one message (batched clients), not one per join.
    public TimeSpan RosterBatchDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    // Rosters larger than this reach a joiner as pages: the welcome carries the first, the client asks
    // for the rest (hub GetRosterPage, gRPC roster_page_request).
    public int RosterPageSize { get; set; } = 500;

    // Chat (issue 13): longest message in characters, messages kept for late joiners, and the
    // per-participant allowance (sustained per second, burst).
    public int ChatMaximumLength { get; set; } = 2000;

    public int ChatHistoryLength { get; set; } = 100;

    public double ChatMessagesPerSecond { get; set; } = 2;

    public int ChatBurst { get; set; } = 10;
}

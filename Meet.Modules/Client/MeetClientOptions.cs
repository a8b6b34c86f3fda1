namespace Meet.Modules.Client;

public sealed class MeetClientOptions
{
    // The REST API and SignalR hub, e.g. http://127.0.0.1:5000/.
    public required Uri BaseAddress { get; init; }

    // The HTTP/2-only gRPC endpoint (Signaling:GrpcUrl); for HTTPS hosts the base address serves it too.
    public Uri? GrpcAddress { get; init; }

    public SignalingTransport Transport { get; init; } = SignalingTransport.Grpc;

    public ReconnectBackoff Reconnect { get; init; } = ReconnectBackoff.Default;

    // Must be well under the server's Signaling:HeartbeatTimeout.
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    // Answer every server (subscriber PC) offer with the built-in ClientPeerConnection, as a bot wants;
    // off, the application answers SubscriberOfferReceived itself.
    public bool AnswerSubscriberOffers { get; init; }

    // The publisher PeerConnection stamps transport-wide sequence numbers, as browsers do (see
    // ClientPeerConnection.TransportWideCc); off by default for tests that count packets exactly.
    public bool PublisherTransportWideCc { get; init; }

    // The publisher PeerConnection receives on a thread of its own (ClientPeerConnection's receiveThread):
    // for a process holding many clients, so the SFU's keyframe requests do not queue behind the media
    // the subscribers receive.
    public bool PublisherReceiveThread { get; init; }

    // The subscriber PeerConnection reads each datagram's kernel receive time (ClientPeerConnection.ReceivedAt),
    // one ioctl per datagram: the load generator's own receive lag (issue 14).
    public bool SubscriberKernelReceiveTimes { get; init; }

    // The address the PeerConnections' UDP sockets bind and offer as their host candidate (loopback
    // when null), e.g. a veth end towards a DPDK-engine server (issue 14's load runs).
    public System.Net.IPAddress? MediaAddress { get; init; }

    public TimeSpan MediaConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    // Issue 15: a PeerConnection whose ICE stays disconnected this long (consent checks unanswered, see
    // Ice.DisconnectedTimeout) restarts ICE by itself, as the web client's handover.ts does; null never.
    public TimeSpan? IceRestartAfterDisconnected { get; init; } = TimeSpan.FromSeconds(2);

    // Timing of the PeerConnections' ICE agents (consent checks, the disconnected threshold); null = defaults.
    public Meet.Modules.Media.Protocols.Ice.IceControllingAgentOptions? Ice { get; init; }

    // Take each roster flush as one message (hub JoinBatched, gRPC batched_updates) rather than one per change.
    public bool BatchedRosterUpdates { get; init; } = true;

    // Roster pages asked for after a welcome that carried only the first page.
    public int RosterPageSize { get; init; } = 500;

    // Other signaling nodes of the same cluster (issue 15). A reconnect attempt that fails moves on to the
    // next node (BaseAddress/GrpcAddress first, then these in turn), so the client keeps its meeting when
    // its node dies; the token is valid on every node of the cluster.
    public IReadOnlyList<SignalingNodeAddress> FallbackNodes { get; init; } = [];
}

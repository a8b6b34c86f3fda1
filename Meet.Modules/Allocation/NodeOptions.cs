namespace Meet.Modules.Allocation;

public sealed class NodeOptions
{
    public const string SectionName = "Node";

    // The one switch to a server other machines can use: Kestrel and gRPC listen on every interface
    // (ListenAddresses), PublicIp is detected when empty, and joinUrl uses it when PublicBaseUrl is empty.
    public bool Public { get; set; }

    // The address announced in media_servers and as the ICE candidate. Empty: 127.0.0.1, or with Public
    // the address of the interface that carries the default route (PublicAddressDetector).
    public string PublicIp { get; set; } = "";

    public string Region { get; set; } = "local";

    // "signaling", "media" or "signaling,media" (the default: one node does everything in-process).
    public NodeRoles Roles { get; set; } = NodeRoles.Both;

    // The port every media node serves its control contract (media_node.proto) on, at its PublicIp;
    // one value for the whole cluster, since signaling nodes derive a media node's address from its
    // media_servers row. 0 = no control endpoint (a single node needs none).
    public int ControlPort { get; set; }

    // Shared secret between the cluster's nodes, sent with every control call: a media node's control
    // port is reachable wherever its media port is, so it must not obey strangers.
    public string ClusterKey { get; set; } = "";

    // How long a signaling node waits for a media node's answer to one control call.
    public TimeSpan ControlCallTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    // SPEC: a node silent for 2 s is dead and never gets new participants.
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(2);

    // A media-only node runs one call through its own control port, ICE, DTLS and SRTP before it
    // registers (MediaNodeWarmUp), so the first meeting a failover moves to it finds it warm.
    public bool WarmUp { get; set; } = true;

    // The other signaling nodes of the cluster (absolute http(s) base URLs, e.g. http://10.0.0.2:5000):
    // the join response lists their SignalR hubs so a web page whose node dies reconnects to one of them.
    public string[] SignalingFallbacks { get; set; } = [];

    // How long a stopping node stays DRAINING while it still has connected participants.
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

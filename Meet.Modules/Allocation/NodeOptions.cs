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

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    // SPEC: a node silent for 2 s is dead and never gets new participants.
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(2);

    // How long a stopping node stays DRAINING while it still has connected participants.
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

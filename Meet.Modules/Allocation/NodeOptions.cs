namespace Meet.Modules.Allocation;

public sealed class NodeOptions
{
    public const string SectionName = "Node";

    // The address announced in media_servers and, later, as the ICE candidate.
    public string PublicIp { get; set; } = "127.0.0.1";

    public string Region { get; set; } = "local";

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    // SPEC: a node silent for 2 s is dead and never gets new participants.
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(2);

    // How long a stopping node stays DRAINING while it still has connected participants.
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

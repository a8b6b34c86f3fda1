namespace Meet.Modules.Media.Protocols.Ice;

// Per-agent counters, read by metrics. Each agent runs on its transport's single thread.
public sealed class IceAgentCounters
{
    public long ChecksAnswered { get; internal set; }

    public long Nominations { get; internal set; }

    public long Unauthorized { get; internal set; }

    public long BadRequests { get; internal set; }

    public long RoleConflicts { get; internal set; }

    public long Dropped { get; internal set; }

    public long ConsentExpirations { get; internal set; }

    public long Retransmissions { get; internal set; }
}

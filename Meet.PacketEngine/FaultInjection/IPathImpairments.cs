namespace Meet.PacketEngine.FaultInjection;

/// <summary>
/// Impairs what is sent to single destinations, changeable while traffic flows (issue 11: one subscriber's
/// lossy or capped downlink, with the publisher and everyone else on clean paths). Registered when
/// <c>PacketEngine:FaultInjection:Enabled</c> is true; tests and tools set it, production never does.
/// </summary>
public interface IPathImpairments
{
    /// <summary>Impairs <paramref name="destination"/> from now on; replaces any earlier impairment of it (its queue is kept).</summary>
    void Set(PacketAddress destination, PathImpairment impairment);

    /// <summary>Lifts the impairment; datagrams already queued or delayed are still delivered. False when there was none.</summary>
    bool Clear(PacketAddress destination);

    /// <summary>The counts for <paramref name="destination"/> since it was first impaired; zeros when it never was.</summary>
    PathImpairmentStats GetStats(PacketAddress destination);
}

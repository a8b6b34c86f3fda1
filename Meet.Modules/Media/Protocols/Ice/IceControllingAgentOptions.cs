namespace Meet.Modules.Media.Protocols.Ice;

public sealed class IceControllingAgentOptions
{
    // RFC 8445 §14.2 pacing between new checks.
    public TimeSpan CheckPacing { get; init; } = TimeSpan.FromMilliseconds(50);

    // RFC 8489 §6.2.1 suggests 500 ms; a LAN/loopback SFU answers far sooner, so start lower.
    public TimeSpan InitialRetransmissionTimeout { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxRetransmissionTimeout { get; init; } = TimeSpan.FromSeconds(3);

    // RFC 8489 §6.2.1 Rc.
    public int MaxTransmissions { get; init; } = 7;

    // RFC 7675 §5.1: a consent check every 4–6 s (5 s ± 20 %), consent lost after 30 s.
    public TimeSpan ConsentInterval { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan ConsentTimeout { get; init; } = TimeSpan.FromSeconds(30);

    // The client's "disconnected" (as a browser's ICE state says it): a consent check unanswered this
    // long. Media may still get through; a response clears it, and the owner may restart ICE (issue 15).
    public TimeSpan DisconnectedTimeout { get; init; } = TimeSpan.FromSeconds(2.5);

    // While a consent check is unanswered the next ones go this often (each a new transaction, RFC 7675
    // §5.1 allows checking more often), so a path that heals is seen healed quickly.
    public TimeSpan UnansweredConsentInterval { get; init; } = TimeSpan.FromMilliseconds(500);
}

namespace Meet.PacketEngine.FaultInjection;

/// <summary>
/// The <c>PacketEngine:FaultInjection</c> section: impairments applied by a decorator around the
/// configured backend, in this order per datagram: random loss, bursty loss, rate limit, then delay
/// (with jitter and reordering). Everything random comes from one seeded generator per channel and
/// direction, so a run with the same seed, traffic and clock drops and delays the same datagrams.
/// </summary>
public sealed class FaultInjectionOptions
{
    public const string SectionName = "FaultInjection";

    public bool Enabled { get; set; }

    public int Seed { get; set; } = 1;

    public FaultDirection Direction { get; set; } = FaultDirection.Receive;

    // Only channels of this protocol are impaired (e.g. Udp: UDP lost, ICE-TCP intact — a network
    // that blocks UDP, issue 12); null impairs every channel.
    public PacketProtocol? Protocol { get; set; }

    /// <summary>Independent loss probability per datagram, 0..1.</summary>
    public double LossRate { get; set; }

    /// <summary>Gilbert-Elliott: probability per datagram of moving from the good to the bad state (0 disables bursty loss).</summary>
    public double BurstEnterProbability { get; set; }

    /// <summary>Gilbert-Elliott: probability per datagram of leaving the bad state; mean burst length is 1 / this.</summary>
    public double BurstExitProbability { get; set; } = 0.25;

    /// <summary>Gilbert-Elliott: loss probability while in the bad state.</summary>
    public double BurstLossRate { get; set; } = 1.0;

    /// <summary>Token-bucket policer in bits per second; datagrams beyond it are dropped. 0 disables it.</summary>
    public long RateLimitBitsPerSecond { get; set; }

    /// <summary>Bucket depth: how many bytes may pass at once after an idle period.</summary>
    public int RateLimitBurstBytes { get; set; } = 16 * 1024;

    /// <summary>
    /// 0 polices (the excess is dropped at once); above 0 the rate limit shapes like a router's queue:
    /// datagrams beyond the rate wait their turn, and only those that would wait longer than this are dropped.
    /// </summary>
    public double RateLimitQueueMs { get; set; }

    /// <summary>Fixed one-way delay added to every datagram.</summary>
    public double DelayMs { get; set; }

    /// <summary>Uniform jitter: each datagram's delay is <see cref="DelayMs"/> ± up to this (never below zero).</summary>
    public double JitterMs { get; set; }

    /// <summary>Probability that a datagram is held back an extra <see cref="ReorderDelayMs"/>, so later ones overtake it.</summary>
    public double ReorderRate { get; set; }

    public double ReorderDelayMs { get; set; } = 20;

    /// <summary>Datagrams held for delay per channel and direction; beyond it they are dropped as NoBuffer.</summary>
    public int MaxQueuedPackets { get; set; } = 8192;

    /// <summary>Largest datagram the decorator copies into its own buffers; larger ones are dropped as Oversized.</summary>
    public int MaxDatagramSize { get; set; } = PacketBatch.DefaultSlotSize;

    /// <summary>
    /// Impairments of single destinations (one subscriber's downlink), applied to datagrams sent to that
    /// address on top of everything above; changed at run time through <see cref="IPathImpairments"/>.
    /// </summary>
    public List<PathImpairmentOptions> Paths { get; set; } = [];

    internal bool Delays => DelayMs > 0 || JitterMs > 0 || ReorderRate > 0 || Shapes;

    internal bool Shapes => RateLimitBitsPerSecond > 0 && RateLimitQueueMs > 0;

    // False when the section only enables the decorator for path impairments: the whole-channel stage is skipped.
    internal bool ImpairsEveryDatagram => LossRate > 0 || BurstEnterProbability > 0 || RateLimitBitsPerSecond > 0 || Delays;
}

namespace Meet.Modules.Media;

// Bound from the "Media" configuration section.
public sealed class MediaOptions
{
    public const string SectionName = "Media";

    // 0 = any free port; the announced host candidate always carries the port actually bound.
    public int UdpPort { get; set; } = 40000;

    public int LastN { get; set; } = 12;

    // The local address the media port binds; empty = every interface. Set it where several media
    // nodes share a machine on different addresses (scripts/cluster.sh: 127.0.0.1, 127.0.0.2): a
    // socket bound to every interface answers from the address the route picks, not the one the
    // client sent to, and the client drops the answer.
    public string BindAddress { get; set; } = "";

    // Bounded subscriber slots (issue 10): each subscriber PeerConnection gets min(LastN, its own
    // limit) video m-sections and 3 audio m-sections, and the SFU remaps which publisher feeds each
    // (announced as slot assignments) instead of adding an m-section per published track. The default
    // since issue 10's remainder; false keeps the per-track mode (an m-section per published track).
    public bool BoundedSlots { get; set; } = true;

    // Screen shares at once in one meeting; a share beyond it is refused (409 screen_share_limit).
    public int MaxScreenShares { get; set; } = 1;

    // A subscriber offer unanswered for this long counts as lost and is offered again (a newer version).
    public TimeSpan SubscriberAnswerTimeout { get; set; } = TimeSpan.FromSeconds(5);

    // A passive ICE-TCP candidate (RFC 6544) on the media port's number, for clients whose network
    // blocks UDP; needs a backend with TCP (sockets). Without it the SFU offers UDP only.
    public bool IceTcp { get; set; } = true;

    // The seed's loss-recovery rule (issue 11): a subscriber's NACKs are answered with retransmissions
    // only while its RTT is at most this; above it a keyframe is requested instead.
    public TimeSpan NackRttLimit { get; set; } = TimeSpan.FromMilliseconds(150);

    // Probe clusters (issue 11) never send faster than this, media and padding together, in bits per
    // second: the most a probe may ask of a subscriber's path.
    public long ProbeMaxBitrate { get; set; } = 5_000_000;

    // Dynacast (issue 11): a simulcast layer above the lowest that no subscriber has wanted for this long
    // is paused at its publisher (told over signaling) until one does; zero turns dynacast off.
    public TimeSpan DynacastPauseDelay { get; set; } = TimeSpan.FromSeconds(3);

    // Quality logs (issue 11): a PACKET_LOSS_ALERT row when a participant's packet loss (what it sends us
    // or what it reports receiving, whichever is worse) over one window reaches this many percent.
    public double QualityLossThreshold { get; set; } = 5;

    public TimeSpan QualityWindow { get; set; } = TimeSpan.FromSeconds(5);

    // The audio mode of meetings created without one (issue 17): Forward or Mix.
    public AudioMode AudioMode { get; set; } = AudioMode.Forward;

    // UDP GSO on the send path (issue 14): each flushed batch of outgoing datagrams is grouped by
    // destination, so a subscriber's packets of one frame leave in one GSO send (sockets engine,
    // PacketEngine:Sockets:UseGso). False sends in fan-out order, one datagram per GSO run.
    public bool GroupSendsByDestination { get; set; } = true;

    // Multi-buffer SRTP on the send path (issue 14): forwarded packets of one send batch are encrypted
    // four subscribers at a time (AES-GCM on AES-NI with 512-bit VPCLMULQDQ; elsewhere, and for
    // AES-CM, each packet is protected on its own as before). False protects every packet on its own.
    public bool BatchSrtp { get; set; } = true;

    // The most outgoing datagrams a thread holds before it must send them (64..8192): a fan-out of one
    // frame to many subscribers fits one batch, so it can be grouped. 2 KiB per slot, on the threads
    // that fan out that widely (the receive loops). 4,096: a 6-packet frame to 680 subscribers (at
    // 1,024 a frame to 200 was cut in two and most subscribers got its last packet on its own).
    public int SendBatchLimit { get; set; } = Transport.MediaSender.DefaultMaxBatchCapacity;

    public const int MaxFrameHoldMicroseconds = 2000;

    // Frame hold (issue 14): a receive loop woken by a video frame's first packet keeps its fan-out until
    // the frame's last packet (RTP marker) has been read and fanned out too, so each subscriber gets the
    // frame in one UDP GSO send; at most this long (µs, 0..2000; 0 = off: every receive batch's sends leave
    // at its end). Audio, RTCP and retransmissions are never held (sent at the end of their receive batch,
    // with whatever was held). Sockets engine's recvmmsg loop only; DPDK sends per burst.
    public int FrameHoldMicroseconds { get; set; } = 400;

    // Threads that decode, mix and encode the mixing meetings' audio (0 = half the cores, at least one).
    public int MixerThreads { get; set; }
}

namespace Meet.Modules.Media;

// Bound from the "Media" configuration section.
public sealed class MediaOptions
{
    public const string SectionName = "Media";

    // 0 = any free port; the announced host candidate always carries the port actually bound.
    public int UdpPort { get; set; } = 40000;

    public int LastN { get; set; } = 12;

    // A subscriber offer unanswered for this long counts as lost and is offered again (a newer version).
    public TimeSpan SubscriberAnswerTimeout { get; set; } = TimeSpan.FromSeconds(5);

    // A passive ICE-TCP candidate (RFC 6544) on the media port's number, for clients whose network
    // blocks UDP; needs a backend with TCP (sockets). Without it the SFU offers UDP only.
    public bool IceTcp { get; set; } = true;

    // The seed's loss-recovery rule (issue 11): a subscriber's NACKs are answered with retransmissions
    // only while its RTT is at most this; above it a keyframe is requested instead.
    public TimeSpan NackRttLimit { get; set; } = TimeSpan.FromMilliseconds(150);
}

namespace Meet.Modules.Media.Routing;

// One m-section of a subscriber PeerConnection. Unified Plan never removes m-sections, so a
// consumer that ends leaves its slot behind, rejected (port 0), with the codecs it had.
internal sealed class SubscriberSlot(string mid, MediaKind kind, IReadOnlyList<RtpCodec> codecs)
{
    public string Mid { get; } = mid;

    public MediaKind Kind { get; } = kind;

    // Replaced when an idle slot is reused for a producer of the same kind.
    public IReadOnlyList<RtpCodec> Codecs { get; set; } = codecs;

    public Consumer? Consumer { get; set; }
}

namespace Meet.Modules.Media.Routing;

// One m-section of a subscriber PeerConnection. Unified Plan never removes m-sections, so a
// consumer that ends leaves its slot behind, rejected (port 0), with the codecs it had.
internal sealed class SubscriberSlot(string mid, MediaKind kind, IReadOnlyList<RtpCodec> codecs)
{
    public string Mid { get; } = mid;

    public MediaKind Kind { get; } = kind;

    public IReadOnlyList<RtpCodec> Codecs { get; } = codecs;

    public Consumer? Consumer { get; set; }
}

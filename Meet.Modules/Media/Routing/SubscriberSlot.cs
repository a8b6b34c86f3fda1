namespace Meet.Modules.Media.Routing;

// One m-section of a subscriber PeerConnection. Unified Plan never removes m-sections, so a consumer
// that ends leaves its slot behind as `inactive` (not rejected: rejecting every section would tear
// down the BUNDLE transport). Once the client has answered the inactive state, a new consumer of the
// same kind and codecs reuses the slot, so churn does not grow the SDP. Reusable is set only when the
// answer to an offer that carried the slot inactive was accepted (SubscriberOfferSnapshot).
internal sealed class SubscriberSlot(string mid, MediaKind kind, IReadOnlyList<RtpCodec> codecs)
{
    public string Mid { get; } = mid;

    public MediaKind Kind { get; } = kind;

    public IReadOnlyList<RtpCodec> Codecs { get; } = codecs;

    public Consumer? Consumer { get; set; }

    // The slot of a mixing meeting's mixed audio (issue 17): fed by the mixer, never by a consumer.
    public Mixing.MixListener? Mix { get; init; }

    public bool Reusable { get; set; }

    public bool IsActive => Consumer is not null || Mix is not null;

    public bool HasSameCodecs(IReadOnlyList<RtpCodec> codecs) => Codecs.SequenceEqual(codecs);
}

namespace Meet.Modules.Media.Routing;

// One m-section of a subscriber PeerConnection.
// Per track (the default): a slot per consumer. Unified Plan never removes m-sections, so a consumer
// that ends leaves its slot behind as `inactive` (not rejected: rejecting every section would tear
// down the BUNDLE transport). Once the client has answered the inactive state, a new consumer of the
// same kind and codecs reuses the slot, so churn does not grow the SDP. Reusable is set only when the
// answer to an offer that carried the slot inactive was accepted (SubscriberOfferSnapshot).
// Bounded (Media:BoundedSlots): a fixed set of slots whose publisher the SubscriberAllocator remaps;
// the slot keeps its SSRC (Stream) and its SDP, and is always offered sendonly.
internal sealed class SubscriberSlot(string mid, MediaKind kind, IReadOnlyList<RtpCodec> codecs)
{
    public string Mid { get; } = mid;

    public MediaKind Kind { get; } = kind;

    public IReadOnlyList<RtpCodec> Codecs { get; } = codecs;

    public Consumer? Consumer { get; set; }

    // The slot of a mixing meeting's mixed audio (issue 17): fed by the mixer, never by a consumer.
    public Mixing.MixListener? Mix { get; init; }

    public bool Reusable { get; set; }

    public bool Bounded { get; init; }

    // A bounded video slot reserved for screen shares.
    public bool Screen { get; init; }

    // The bounded video slot that always shows the meeting's active speaker (issue 10: the client's
    // speaker view uses it, so a speaker change never remaps the grid's slots).
    public bool Speaker { get; init; }

    public OutgoingStream Stream
    {
        get => _stream;
        // A new stream on this m-section inherits what the subscriber negotiated for it.
        set => (_stream = value).RedAccepted = _redAccepted;
    }

    // The subscriber's last accepted answer kept `audio/red` here (issue 11).
    public bool RedAccepted
    {
        get => _redAccepted;
        set => _stream.RedAccepted = _redAccepted = value;
    }

    private OutgoingStream _stream = new();
    private bool _redAccepted;

    // Issue 11: the client's tile for this slot, in device pixels (0 = not reported: no cap), and
    // whether it is hidden (the consumer is paused: zero bytes). A bounded slot keeps its tile across
    // remaps, because the client shows the slot's track in the same tile whoever feeds it.
    public int TileWidth { get; set; }

    public int TileHeight { get; set; }

    public bool TileHidden { get; set; }

    // Whom the slot shows now (bounded slots), null when idle.
    public string? ParticipantId => Consumer?.Producer.ParticipantId;

    public bool IsActive => Consumer is not null || Mix is not null;

    public bool HasSameCodecs(IReadOnlyList<RtpCodec> codecs) => Codecs.SequenceEqual(codecs);

    // The producer's payload types renumbered to this slot's (null: the same numbers already), or
    // false when the slot negotiated none of the producer's codecs.
    public bool TryMapPayloadTypes(IReadOnlyList<RtpCodec> producerCodecs, out byte[]? map)
    {
        map = null;
        var identity = true;
        var table = new byte[128];
        for (var i = 0; i < table.Length; i++)
            table[i] = (byte)i;
        var any = false;
        foreach (var codec in producerCodecs)
        {
            var match = Codecs.FirstOrDefault(c => c.Name.Equals(codec.Name, StringComparison.OrdinalIgnoreCase) && c.ClockRate == codec.ClockRate);
            if (match is null)
                continue;
            any = true;
            table[codec.PayloadType] = (byte)match.PayloadType;
            identity &= codec.PayloadType == match.PayloadType;
            if (codec.RtxPayloadType is { } rtx && match.RtxPayloadType is { } slotRtx)
            {
                table[rtx] = (byte)slotRtx;
                identity &= rtx == slotRtx;
            }
        }
        if (!any)
            return false;
        map = identity ? null : table;
        return true;
    }
}

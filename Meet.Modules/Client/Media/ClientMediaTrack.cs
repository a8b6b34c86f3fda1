namespace Meet.Modules.Client.Media;

// A track the .NET client publishes: one m-section, one codec. Without Rids it is one SSRC announced
// with a=ssrc; with Rids it is RFC 8853 simulcast the way browsers send it: a=rid per layer and
// a=simulcast, no a=ssrc, each layer's SSRC learned by the SFU from the mid and rid header
// extensions (RFC 8852). RtxPayloadType offers RFC 4588 retransmission so the SFU keeps a NACK cache
// for the track. Sending = false keeps the track's m-section but offers it inactive: unpublishing
// (JSEP never removes m-sections).
public sealed record ClientMediaTrack(string Kind, string StreamId, string TrackId, uint Ssrc, int PayloadType, string Codec,
    int ClockRate, int? Channels = null, int? RtxPayloadType = null)
{
    public bool Sending { get; init; } = true;

    // Simulcast layers, lowest first (Chrome's q, h, f); empty for a single stream.
    public IReadOnlyList<string> Rids { get; init; } = [];

    public static ClientMediaTrack Vp8(string streamId, string trackId, uint ssrc) =>
        new("video", streamId, trackId, ssrc, 96, "VP8", 90000, RtxPayloadType: 97);

    public static ClientMediaTrack Vp8Simulcast(string streamId, string trackId, params string[] rids) =>
        new("video", streamId, trackId, 0, 96, "VP8", 90000, RtxPayloadType: 97) { Rids = rids };

    public static ClientMediaTrack Opus(string streamId, string trackId, uint ssrc) => new("audio", streamId, trackId, ssrc, 111, "opus", 48000, 2);
}

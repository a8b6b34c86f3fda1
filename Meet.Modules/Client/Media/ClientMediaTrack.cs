namespace Meet.Modules.Client.Media;

// A track the .NET client publishes: one m-section, one SSRC, one codec (no simulcast). RtxPayloadType
// offers RFC 4588 retransmission so the SFU keeps a NACK cache for the track. Sending = false keeps the
// track's m-section but offers it inactive: unpublishing (JSEP never removes m-sections).
public sealed record ClientMediaTrack(string Kind, string StreamId, string TrackId, uint Ssrc, int PayloadType, string Codec,
    int ClockRate, int? Channels = null, int? RtxPayloadType = null)
{
    public bool Sending { get; init; } = true;

    public static ClientMediaTrack Vp8(string streamId, string trackId, uint ssrc) =>
        new("video", streamId, trackId, ssrc, 96, "VP8", 90000, RtxPayloadType: 97);

    public static ClientMediaTrack Opus(string streamId, string trackId, uint ssrc) => new("audio", streamId, trackId, ssrc, 111, "opus", 48000, 2);
}

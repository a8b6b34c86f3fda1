namespace Meet.Modules.Media.Routing;

// A codec as the publisher negotiated it; forwarded untouched, so subscribers are offered the same
// payload type, clock rate and format parameters. RtxPayloadType is its RFC 4588 retransmission format.
internal sealed record RtpCodec(int PayloadType, string Name, int ClockRate, int? Channels, string? Parameters, int? RtxPayloadType = null)
{
    public bool IsVp8 => Name.Equals("VP8", StringComparison.OrdinalIgnoreCase);

    public bool IsH264 => Name.Equals("H264", StringComparison.OrdinalIgnoreCase);
}

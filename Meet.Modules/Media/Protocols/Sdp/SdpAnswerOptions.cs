namespace Meet.Modules.Media.Protocols.Sdp;

// What the SFU accepts when it answers a browser's offer. Codecs are matched by encoding name; their
// RTX payload types (RFC 4588) come along automatically.
public sealed class SdpAnswerOptions
{
    public const string MidUri = "urn:ietf:params:rtp-hdrext:sdes:mid";
    public const string RidUri = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    public const string RepairedRidUri = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
    public const string AudioLevelUri = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    public const string AbsSendTimeUri = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    public const string TransportWideCcUri = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

    public bool IceLite { get; init; } = true;

    public IReadOnlyList<string> AudioCodecs { get; init; } = ["opus"];

    public IReadOnlyList<string> VideoCodecs { get; init; } = ["VP8", "H264", "VP9", "AV1"];

    // RFC 2198 redundant audio (issue 11): `red` is accepted when its fmtp names only codecs the answer
    // accepts, and listed first, because Chromium sends RED only when the answer prefers it to Opus.
    public bool AcceptRed { get; init; } = true;

    // Finer filter on top of the codec names; by default AcceptWebRtcCodec.
    public Func<SdpRtpMap, SdpFmtp?, bool>? AcceptCodec { get; init; } = AcceptWebRtcCodec;

    // H.264 (issue 12) only as WebRTC endpoints send it: packetization-mode=1 (FU-A/STAP-A, RFC 6184
    // §6.3; mode 0 cannot carry a NAL unit larger than the MTU, and forwarding one mode while a
    // subscriber picked the other breaks decoding) and a profile-level-id naming a known profile
    // (RFC 6184 §8.1). A malformed fmtp is declined, never passed on to subscribers.
    public static bool AcceptWebRtcCodec(SdpRtpMap rtpMap, SdpFmtp? fmtp)
    {
        ArgumentNullException.ThrowIfNull(rtpMap);
        if (!rtpMap.EncodingName.Equals("H264", StringComparison.OrdinalIgnoreCase))
            return true;
        return H264ProfileLevelId.TryRead(fmtp, out var profile, out var mode) && mode == 1
            && profile.Profile is not H264Profile.PredictiveHigh444;
    }

    // The header extensions the SFU reads or rewrites (SPEC "Media"); others are declined.
    public IReadOnlyCollection<string> HeaderExtensions { get; init; } =
        [MidUri, RidUri, RepairedRidUri, AudioLevelUri, AbsSendTimeUri, TransportWideCcUri];

    // rtcp-fb "type[ parameter]" values kept in the answer.
    public IReadOnlyCollection<string> RtcpFeedback { get; init; } = ["nack", "nack pli", "ccm fir", "goog-remb", "transport-cc"];

    public bool AcceptSimulcast { get; init; } = true;

    public bool AcceptDataChannel { get; init; } = true;

    // RFC 8841 §6.1: the largest SCTP user message we accept.
    public long MaxMessageSize { get; init; } = 262144;
}

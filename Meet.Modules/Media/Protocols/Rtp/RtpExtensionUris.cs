namespace Meet.Modules.Media.Protocols.Rtp;

// The a=extmap URIs of the extensions the SFU reads (SPEC "Media"); the SDP layer maps them to IDs.
public static class RtpExtensionUris
{
    public const string Mid = "urn:ietf:params:rtp-hdrext:sdes:mid";
    public const string Rid = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    public const string RepairedRid = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
    public const string AudioLevel = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    public const string AbsSendTime = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    public const string TransportWideCc = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
}

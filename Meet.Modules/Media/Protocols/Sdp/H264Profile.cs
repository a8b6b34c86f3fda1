namespace Meet.Modules.Media.Protocols.Sdp;

// H.264 profiles as WebRTC endpoints negotiate them (RFC 6184 §8.1, libwebrtc's naming).
public enum H264Profile
{
    ConstrainedBaseline,
    Baseline,
    Main,
    ConstrainedHigh,
    High,
    PredictiveHigh444,
}

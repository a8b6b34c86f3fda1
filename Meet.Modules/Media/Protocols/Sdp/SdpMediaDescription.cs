namespace Meet.Modules.Media.Protocols.Sdp;

// One m-section (RFC 8866 §5.14) with the attributes WebRTC uses typed, the rest in Attributes.
// In Unified Plan each m-section carries one track (RFC 8829 §5.2.1).
public sealed class SdpMediaDescription
{
    // "audio", "video", "application".
    public required string Media { get; set; }

    // 0 rejects the m-section (RFC 3264 §6); 9 is the discard port used when ICE supplies the address.
    public int Port { get; set; } = 9;

    public int? PortCount { get; set; }

    // "UDP/TLS/RTP/SAVPF" for RTP, "UDP/DTLS/SCTP" for data channels (RFC 8841).
    public required string Protocol { get; set; }

    // Payload types for RTP, "webrtc-datachannel" for SCTP, in preference order.
    public List<string> Formats { get; set; } = [];

    public string? Information { get; set; }

    public SdpConnection? Connection { get; set; }

    public List<SdpBandwidth> Bandwidths { get; set; } = [];

    public string? EncryptionKey { get; set; }

    // a=rtcp (RFC 3605) — only meaningful without rtcp-mux; kept verbatim.
    public string? Rtcp { get; set; }

    public List<SdpCandidate> Candidates { get; set; } = [];

    public bool EndOfCandidates { get; set; }

    public string? IceUfrag { get; set; }

    public string? IcePwd { get; set; }

    public List<string> IceOptions { get; set; } = [];

    public List<SdpFingerprint> Fingerprints { get; set; } = [];

    public SdpSetupRole? Setup { get; set; }

    public string? Mid { get; set; }

    public List<SdpExtmap> Extmaps { get; set; } = [];

    public bool ExtmapAllowMixed { get; set; }

    // Null when absent: RFC 8866 §6.7 then means sendrecv (or the session-level direction).
    public SdpDirection? Direction { get; set; }

    public List<SdpMsid> Msids { get; set; } = [];

    public bool RtcpMux { get; set; }

    public bool RtcpMuxOnly { get; set; }

    public bool RtcpRsize { get; set; }

    public List<SdpRtpMap> RtpMaps { get; set; } = [];

    public List<SdpFmtp> Fmtps { get; set; } = [];

    public List<SdpRtcpFeedback> RtcpFeedbacks { get; set; } = [];

    public List<SdpRid> Rids { get; set; } = [];

    public SdpSimulcast? Simulcast { get; set; }

    public List<SdpSsrcGroup> SsrcGroups { get; set; } = [];

    public List<SdpSsrc> Ssrcs { get; set; } = [];

    // RFC 8841 §6: SCTP port inside the DTLS association, and the largest message the receiver accepts.
    public int? SctpPort { get; set; }

    public long? MaxMessageSize { get; set; }

    public List<SdpAttribute> Attributes { get; set; } = [];

    // RFC 8843 §6: a=bundle-only with port 0 is an offer to use the BUNDLE transport only (Firefox
    // does this for every m-section after the first under max-bundle). Such a section is not
    // rejected; it shares the tagged section's transport.
    public bool BundleOnly { get; set; }

    // RFC 3264 §6: port 0 rejects the section — unless it is bundle-only (RFC 8843 §6).
    public bool IsRejected => Port == 0 && !BundleOnly;

    public SdpRtpMap? FindRtpMap(int payloadType) => RtpMaps.Find(r => r.PayloadType == payloadType);

    public SdpFmtp? FindFmtp(int payloadType) => Fmtps.Find(f => f.PayloadType == payloadType);

    public int? FindExtmapId(string uri) => Extmaps.Find(e => e.Uri == uri)?.Id;
}

namespace Meet.Modules.Media.Protocols.Dtls;

public enum DtlsFailureReason
{
    None,
    // The handshake did not finish within DtlsEndpointOptions.HandshakeTimeout.
    Timeout,
    // The peer's certificate does not hash to any a=fingerprint from its SDP (RFC 8122 §5).
    FingerprintMismatch,
    // The peer sent no certificate; WebRTC requires mutual authentication (RFC 8827 §6.5).
    MissingPeerCertificate,
    // No use_srtp extension, or no profile in common (RFC 5764 §4.1.1).
    NoCommonSrtpProfile,
    // The peer aborted with a fatal alert (DtlsHandshakeResult.Detail names it).
    PeerAlert,
    // Malformed or unexpected handshake traffic, or a local TLS error.
    ProtocolError,
    // The endpoint was disposed before the handshake finished.
    Closed,
}

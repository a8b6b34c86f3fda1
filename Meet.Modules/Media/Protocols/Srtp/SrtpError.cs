namespace Meet.Modules.Media.Protocols.Srtp;

// Why protect or unprotect refused a packet; the SFU counts drops under these.
public enum SrtpError
{
    None,
    // Shorter than an RTP/RTCP header plus the profile's tag and trailer.
    TooShort,
    // Not version 2, or CSRC/extension lengths run past the packet.
    Malformed,
    // The caller's buffer has no room for the tag (and SRTCP index) protect appends.
    BufferTooSmall,
    AuthenticationFailed,
    // Index already seen inside the replay window (or, on protect, already used: reusing an
    // index would reuse keystream / a GCM nonce).
    Replayed,
    // Index older than the replay window reaches back.
    TooOld,
    // 2^48 SRTP or 2^31 SRTCP packets under one key: RFC 3711 §9.2 requires rekeying.
    IndexExhausted,
}

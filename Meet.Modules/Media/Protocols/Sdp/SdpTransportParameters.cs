using Meet.Modules.Media.Protocols.Dtls;

namespace Meet.Modules.Media.Protocols.Sdp;

// What one side puts in every m-section it bundles: ICE credentials and candidates (RFC 8839) and the
// DTLS fingerprint and role (RFC 8842). An SFU offers with setup ActPass and answers with Passive.
public sealed record SdpTransportParameters(string IceUfrag, string IcePwd, DtlsFingerprint Fingerprint, SdpSetupRole Setup)
{
    public IReadOnlyList<SdpCandidate> Candidates { get; init; } = [];

    // An ICE-lite server knows all its candidates up front, so it closes the list (RFC 8840 §4.2).
    public bool EndOfCandidates { get; init; } = true;
}

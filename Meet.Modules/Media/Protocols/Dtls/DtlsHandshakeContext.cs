using Org.BouncyCastle.Tls;

namespace Meet.Modules.Media.Protocols.Dtls;

// State shared by the BouncyCastle client and server subclasses: the checks WebRTC adds on top of
// plain DTLS (fingerprint pinning, use_srtp) and the first failure reason, so the endpoint can report
// why a handshake failed instead of surfacing whatever exception unwound BouncyCastle's stack.
internal sealed class DtlsHandshakeContext(DtlsEndpointOptions options)
{
    // RFC 5764 §4.2.
    private const string ExporterLabel = "EXTRACTOR-dtls_srtp";

    private readonly Lock _gate = new();

    public DtlsEndpointOptions Options { get; } = options;

    public DtlsFailureReason Failure { get; private set; }

    public string? FailureDetail { get; private set; }

    public DtlsFingerprint? PeerFingerprint { get; private set; }

    public DtlsSrtpProfile? NegotiatedProfile { get; private set; }

    public DtlsSrtpKeyingMaterial? Keys { get; private set; }

    public bool PeerClosed { get; private set; }

    public int HandshakeTimeoutMillis => (int)Options.HandshakeTimeout.TotalMilliseconds;

    // Records the first failure only: later errors are consequences of it.
    public bool RecordFailure(DtlsFailureReason reason, string detail)
    {
        lock (_gate)
        {
            if (Failure != DtlsFailureReason.None)
            {
                return false;
            }

            Failure = reason;
            FailureDetail = detail;
            return true;
        }
    }

    public TlsFatalAlert Fail(DtlsFailureReason reason, short alert, string detail)
    {
        RecordFailure(reason, detail);
        return new TlsFatalAlert(alert, detail);
    }

    public void VerifyPeerCertificate(Certificate? certificate)
    {
        if (certificate is null || certificate.IsEmpty)
        {
            // RFC 8827 §6.5: both sides present certificates; an anonymous peer cannot be pinned.
            throw Fail(DtlsFailureReason.MissingPeerCertificate, AlertDescription.handshake_failure, "The peer presented no certificate.");
        }

        byte[] der = certificate.GetCertificateAt(0).GetEncoded();
        foreach (DtlsFingerprint expected in Options.RemoteFingerprints)
        {
            if (expected.Matches(der))
            {
                PeerFingerprint = expected;
                return;
            }
        }

        DtlsFingerprint actual = DtlsFingerprint.Compute("sha-256", der);
        throw Fail(
            DtlsFailureReason.FingerprintMismatch,
            AlertDescription.bad_certificate,
            $"The peer's certificate ({actual}) matches none of the fingerprints signalled in its SDP ({string.Join(", ", Options.RemoteFingerprints)}).");
    }

    // Server side of RFC 5764 §4.1.1: pick our most preferred profile the client offered.
    public DtlsSrtpProfile ChooseProfile(UseSrtpData? offered)
    {
        if (offered is null)
        {
            throw Fail(DtlsFailureReason.NoCommonSrtpProfile, AlertDescription.handshake_failure, "The client did not offer the use_srtp extension.");
        }

        foreach (DtlsSrtpProfile preferred in Options.SrtpProfiles)
        {
            if (Array.IndexOf(offered.ProtectionProfiles, (int)preferred) >= 0)
            {
                NegotiatedProfile = preferred;
                return preferred;
            }
        }

        throw Fail(
            DtlsFailureReason.NoCommonSrtpProfile,
            AlertDescription.handshake_failure,
            $"No SRTP profile in common; the client offered {string.Join(", ", offered.ProtectionProfiles.Select(p => "0x" + p.ToString("X4")))}.");
    }

    // Client side: the server must answer with exactly one profile we offered (RFC 5764 §4.1.1).
    public void AcceptProfile(UseSrtpData? chosen)
    {
        if (chosen is null || chosen.ProtectionProfiles.Length != 1)
        {
            throw Fail(DtlsFailureReason.NoCommonSrtpProfile, AlertDescription.illegal_parameter, "The server did not select exactly one SRTP profile.");
        }

        int profile = chosen.ProtectionProfiles[0];
        if (!DtlsSrtpProfiles.IsSupported(profile) || !Options.SrtpProfiles.Contains((DtlsSrtpProfile)profile))
        {
            throw Fail(DtlsFailureReason.NoCommonSrtpProfile, AlertDescription.illegal_parameter, $"The server selected SRTP profile 0x{profile:X4}, which was not offered.");
        }

        NegotiatedProfile = (DtlsSrtpProfile)profile;
    }

    public void ExportKeys(TlsContext context)
    {
        if (NegotiatedProfile is not { } profile)
        {
            throw Fail(DtlsFailureReason.NoCommonSrtpProfile, AlertDescription.internal_error, "The handshake completed without an SRTP profile.");
        }

        var (keyLength, saltLength) = DtlsSrtpProfiles.GetKeyAndSaltLength(profile);
        byte[] material = context.ExportKeyingMaterial(ExporterLabel, null, 2 * (keyLength + saltLength));
        Keys = new DtlsSrtpKeyingMaterial(profile, material);
    }

    public void OnAlertReceived(short level, short description)
    {
        if (description == AlertDescription.close_notify)
        {
            PeerClosed = true;
            return;
        }

        if (level == AlertLevel.fatal)
        {
            RecordFailure(DtlsFailureReason.PeerAlert, $"The peer sent a fatal alert: {AlertDescription.GetText(description)}.");
        }
    }

    internal static int[] CipherSuites { get; } =
    [
        // ECDSA only: our certificate is P-256, and these are the suites browsers offer first.
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    ];
}

using System.Diagnostics.CodeAnalysis;
using Meet.Modules.Media.Protocols.Dtls;

namespace Meet.Modules.Media.Protocols.Sdp;

// a=fingerprint:<hash-func> <fingerprint> (RFC 8122 §5). Kept as text so unknown hash functions survive a
// round trip; ToDtls() turns it into what the DTLS endpoint checks the peer's certificate against.
public sealed record SdpFingerprint(string Algorithm, string Value)
{
    public static SdpFingerprint From(DtlsFingerprint fingerprint) => new(fingerprint.Algorithm, fingerprint.FormatDigest());

    public bool TryToDtls([NotNullWhen(true)] out DtlsFingerprint? fingerprint) => DtlsFingerprint.TryParse(Algorithm, Value, out fingerprint);

    public override string ToString() => Algorithm + " " + Value;

    internal static bool TryParse(string value, out SdpFingerprint? fingerprint)
    {
        string[] t = SdpText.Tokens(value);
        fingerprint = t.Length == 2 ? new SdpFingerprint(t[0], t[1]) : null;
        return fingerprint is not null;
    }
}

using System.Diagnostics.CodeAnalysis;

namespace Meet.Modules.Media.Protocols.Dtls;

public sealed class DtlsHandshakeResult
{
    private DtlsHandshakeResult(DtlsFailureReason failureReason, string? detail, DtlsSrtpKeyingMaterial? keys, DtlsFingerprint? peerFingerprint)
    {
        FailureReason = failureReason;
        Detail = detail;
        Keys = keys;
        PeerFingerprint = peerFingerprint;
    }

    [MemberNotNullWhen(true, nameof(Keys), nameof(PeerFingerprint))]
    public bool Succeeded => FailureReason == DtlsFailureReason.None;

    public DtlsFailureReason FailureReason { get; }

    public string? Detail { get; }

    public DtlsSrtpKeyingMaterial? Keys { get; }

    // The signalled fingerprint the peer's certificate matched.
    public DtlsFingerprint? PeerFingerprint { get; }

    public override string ToString() => Succeeded ? $"connected ({Keys.Profile})" : $"{FailureReason}: {Detail}";

    internal static DtlsHandshakeResult Success(DtlsSrtpKeyingMaterial keys, DtlsFingerprint peerFingerprint) =>
        new(DtlsFailureReason.None, null, keys, peerFingerprint);

    internal static DtlsHandshakeResult Failure(DtlsFailureReason reason, string? detail) =>
        new(reason == DtlsFailureReason.None ? DtlsFailureReason.ProtocolError : reason, detail, null, null);
}

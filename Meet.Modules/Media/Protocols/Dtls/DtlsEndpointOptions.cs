namespace Meet.Modules.Media.Protocols.Dtls;

public sealed class DtlsEndpointOptions
{
    public required DtlsRole Role { get; init; }

    public required DtlsCertificate Certificate { get; init; }

    // Every a=fingerprint from the peer's SDP; the peer's certificate must match one (RFC 8122 §5).
    public required IReadOnlyList<DtlsFingerprint> RemoteFingerprints { get; init; }

    // In preference order: the client offers them in this order, the server picks the first it shares.
    // GCM first: cheaper per packet and RFC 7714 §14.2 recommends it.
    public IReadOnlyList<DtlsSrtpProfile> SrtpProfiles { get; init; } = [DtlsSrtpProfile.AeadAes128Gcm, DtlsSrtpProfile.Aes128CmHmacSha1_80];

    // Bounds the whole handshake, retransmissions included; a silent peer fails with Timeout.
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    // Largest datagram sent; BouncyCastle fragments handshake messages to fit. 1200 keeps the certificate
    // flight clear of fragmentation on tunnels and TURN (the value browsers use).
    public int MaxDatagramSize { get; init; } = 1200;

    public int MaxReceiveDatagramSize { get; init; } = 2048;

    // Datagrams waiting for the DTLS thread; beyond this they are dropped and counted.
    public int ReceiveQueueCapacity { get; init; } = 64;

    public DtlsApplicationDataCallback? ApplicationDataReceived { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Certificate);
        ArgumentNullException.ThrowIfNull(RemoteFingerprints);
        if (RemoteFingerprints.Count == 0)
        {
            throw new ArgumentException("At least one remote fingerprint is required.", nameof(RemoteFingerprints));
        }

        if (SrtpProfiles is null || SrtpProfiles.Count == 0 || SrtpProfiles.Any(p => !DtlsSrtpProfiles.IsSupported((int)p)))
        {
            throw new ArgumentException("SrtpProfiles must list at least one supported profile.", nameof(SrtpProfiles));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HandshakeTimeout, TimeSpan.Zero, nameof(HandshakeTimeout));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(HandshakeTimeout, TimeSpan.FromMinutes(5), nameof(HandshakeTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDatagramSize, 256, nameof(MaxDatagramSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReceiveDatagramSize, MaxDatagramSize, nameof(MaxReceiveDatagramSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReceiveQueueCapacity, 1, nameof(ReceiveQueueCapacity));
    }
}

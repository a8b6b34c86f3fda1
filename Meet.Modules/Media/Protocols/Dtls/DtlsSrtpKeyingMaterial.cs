namespace Meet.Modules.Media.Protocols.Dtls;

// The keys exported with the "EXTRACTOR-dtls_srtp" label, split as RFC 5764 §4.2 lays them out:
// client key | server key | client salt | server salt. The client writes with the client key.
public sealed class DtlsSrtpKeyingMaterial
{
    private readonly byte[] _material;

    internal DtlsSrtpKeyingMaterial(DtlsSrtpProfile profile, byte[] material)
    {
        var (keyLength, saltLength) = DtlsSrtpProfiles.GetKeyAndSaltLength(profile);
        if (material.Length != 2 * (keyLength + saltLength))
        {
            throw new ArgumentException("Keying material length does not match the profile.", nameof(material));
        }

        Profile = profile;
        _material = material;
        ClientMasterKey = material.AsMemory(0, keyLength);
        ServerMasterKey = material.AsMemory(keyLength, keyLength);
        ClientMasterSalt = material.AsMemory(2 * keyLength, saltLength);
        ServerMasterSalt = material.AsMemory(2 * keyLength + saltLength, saltLength);
    }

    public DtlsSrtpProfile Profile { get; }

    public ReadOnlyMemory<byte> ClientMasterKey { get; }

    public ReadOnlyMemory<byte> ClientMasterSalt { get; }

    public ReadOnlyMemory<byte> ServerMasterKey { get; }

    public ReadOnlyMemory<byte> ServerMasterSalt { get; }

    // The whole exported block, for comparison with other implementations (e.g. openssl -keymatexport).
    public ReadOnlyMemory<byte> ExportedBlock => _material;

    // The key this endpoint protects outgoing SRTP with.
    public ReadOnlyMemory<byte> GetLocalMasterKey(DtlsRole role) => role == DtlsRole.Client ? ClientMasterKey : ServerMasterKey;

    public ReadOnlyMemory<byte> GetLocalMasterSalt(DtlsRole role) => role == DtlsRole.Client ? ClientMasterSalt : ServerMasterSalt;

    // The key incoming SRTP from the peer is unprotected with.
    public ReadOnlyMemory<byte> GetRemoteMasterKey(DtlsRole role) => role == DtlsRole.Client ? ServerMasterKey : ClientMasterKey;

    public ReadOnlyMemory<byte> GetRemoteMasterSalt(DtlsRole role) => role == DtlsRole.Client ? ServerMasterSalt : ClientMasterSalt;
}

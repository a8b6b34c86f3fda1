namespace Meet.Modules.Media.Protocols.Srtp;

// One direction's master key and salt. Created once per DTLS handshake, so allocating here is fine.
public sealed class SrtpKeyingMaterial
{
    // RFC 5764 §4.2: the label the DTLS exporter is called with.
    public const string DtlsExporterLabel = "EXTRACTOR-dtls_srtp";

    private readonly byte[] _masterKey;
    private readonly byte[] _masterSalt;

    public SrtpKeyingMaterial(SrtpProtectionProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        var parameters = SrtpProfileParameters.For(profile);
        if (masterKey.Length != parameters.MasterKeyLength)
        {
            throw new ArgumentException($"{profile} needs a {parameters.MasterKeyLength}-byte master key.", nameof(masterKey));
        }

        if (masterSalt.Length != parameters.MasterSaltLength)
        {
            throw new ArgumentException($"{profile} needs a {parameters.MasterSaltLength}-byte master salt.", nameof(masterSalt));
        }

        Profile = profile;
        _masterKey = masterKey.ToArray();
        _masterSalt = masterSalt.ToArray();
    }

    public SrtpProtectionProfile Profile { get; }

    public ReadOnlySpan<byte> MasterKey => _masterKey;

    public ReadOnlySpan<byte> MasterSalt => _masterSalt;

    // How many bytes to ask the DTLS exporter for: two keys and two salts.
    public static int GetDtlsExportLength(SrtpProtectionProfile profile)
    {
        var parameters = SrtpProfileParameters.For(profile);
        return 2 * (parameters.MasterKeyLength + parameters.MasterSaltLength);
    }

    // RFC 5764 §4.2 lays the exported block out as client key | server key | client salt | server salt.
    // The DTLS client protects with the client half and the server with the server half, so "local"
    // (what we protect with) is the half matching our DTLS role and "remote" is the other.
    public static (SrtpKeyingMaterial Local, SrtpKeyingMaterial Remote) FromDtlsExport(
        SrtpProtectionProfile profile, ReadOnlySpan<byte> exported, bool isDtlsClient)
    {
        var parameters = SrtpProfileParameters.For(profile);
        int keyLength = parameters.MasterKeyLength;
        int saltLength = parameters.MasterSaltLength;
        if (exported.Length != 2 * (keyLength + saltLength))
        {
            throw new ArgumentException(
                $"{profile} needs {2 * (keyLength + saltLength)} bytes of exported keying material.", nameof(exported));
        }

        var client = new SrtpKeyingMaterial(
            profile, exported.Slice(0, keyLength), exported.Slice(2 * keyLength, saltLength));
        var server = new SrtpKeyingMaterial(
            profile, exported.Slice(keyLength, keyLength), exported.Slice((2 * keyLength) + saltLength, saltLength));
        return isDtlsClient ? (client, server) : (server, client);
    }
}

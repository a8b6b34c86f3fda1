namespace Meet.Modules.Media.Protocols.Srtp;

// Lengths per profile: RFC 3711 §8.2 / RFC 5764 §4.1.2 for AES-CM, RFC 7714 §12 for GCM.
internal readonly record struct SrtpProfileParameters(
    int MasterKeyLength,
    int MasterSaltLength,
    int SessionSaltLength,
    int AuthKeyLength,
    int TagLength)
{
    public const int SrtcpIndexLength = 4;

    public static SrtpProfileParameters For(SrtpProtectionProfile profile) => profile switch
    {
        SrtpProtectionProfile.AesCm128HmacSha1_80 => new(16, 14, 14, 20, 10),
        SrtpProtectionProfile.AeadAes128Gcm => new(16, 12, 12, 0, 16),
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unsupported SRTP protection profile."),
    };
}

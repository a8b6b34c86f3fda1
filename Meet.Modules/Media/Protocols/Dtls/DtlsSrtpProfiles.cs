namespace Meet.Modules.Media.Protocols.Dtls;

internal static class DtlsSrtpProfiles
{
    // RFC 3711 §8.2 (AES-CM: 128-bit key, 112-bit salt) and RFC 7714 §12 (AEAD_AES_128_GCM: 96-bit salt).
    public static (int KeyLength, int SaltLength) GetKeyAndSaltLength(DtlsSrtpProfile profile) => profile switch
    {
        DtlsSrtpProfile.Aes128CmHmacSha1_80 => (16, 14),
        DtlsSrtpProfile.AeadAes128Gcm => (16, 12),
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unsupported SRTP profile."),
    };

    public static bool IsSupported(int codePoint) =>
        codePoint is (int)DtlsSrtpProfile.Aes128CmHmacSha1_80 or (int)DtlsSrtpProfile.AeadAes128Gcm;
}

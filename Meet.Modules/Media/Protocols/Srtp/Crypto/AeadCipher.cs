namespace Meet.Modules.Media.Protocols.Srtp.Crypto;

// AES-128-GCM with a 12-byte nonce and 16-byte tag, in place. The associated data comes in two parts
// because SRTCP's (RFC 7714 §9.1) is the 8-byte header plus the E||index word that sits after the tag.
internal abstract class AeadCipher : IDisposable
{
    public const int NonceLength = 12;
    public const int TagLength = 16;

    public static AeadCipher Create(ReadOnlySpan<byte> key, SrtpCipherPath path) => path switch
    {
        // With 512-bit VPCLMULQDQ the wide GHASH measured at half of EVP's time per 1,200-byte packet
        // (issue 14, `Meet.Benchmarks srtp-gcm`); without it EVP's stitched AES-GCM is ahead of the
        // 128-bit intrinsics version, which still beats AesGcm's per-call overhead where there is no
        // OpenSSL 3 (Windows, macOS x64).
        SrtpCipherPath.Auto when AesNiGcm.IsWideSupported => new AesNiGcm(key, wide: true),
        SrtpCipherPath.Auto when Native.IsOpenSslAvailable => new OpenSslAesGcm(key),
        SrtpCipherPath.Auto when AesNiGcm.IsSupported => new AesNiGcm(key),
        SrtpCipherPath.Auto => new PortableAesGcm(key),
        SrtpCipherPath.OpenSsl => new OpenSslAesGcm(key),
        SrtpCipherPath.AesNi => new AesNiGcm(key, wide: false),
        SrtpCipherPath.Vaes => new AesNiGcm(key, wide: true),
        SrtpCipherPath.Portable => new PortableAesGcm(key),
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, "No such AES-GCM implementation."),
    };

    public abstract void Encrypt(
        ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad1, ReadOnlySpan<byte> aad2, Span<byte> data, Span<byte> tag);

    // On false the data span holds garbage: callers drop the packet.
    public abstract bool Decrypt(
        ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad1, ReadOnlySpan<byte> aad2, Span<byte> data, ReadOnlySpan<byte> tag);

    public abstract void Dispose();
}

using System.Runtime.Intrinsics.X86;

namespace Meet.Modules.Media.Protocols.Srtp.Crypto;

// AES-128 in counter mode as RFC 3711 §4.1.1 uses it: a 16-byte IV whose low 16 bits are zero, and
// the block counter added into the low bits. SRTP packets stay far below 2^16 blocks, so the counter
// never carries out of the low 32 bits.
internal abstract class CtrCipher : IDisposable
{
    public const int IvLength = 16;

    public static CtrCipher Create(ReadOnlySpan<byte> key, SrtpCipherPath path) => path switch
    {
        SrtpCipherPath.Auto when AesNiCtr.IsSupported => new AesNiCtr(key),
        SrtpCipherPath.Auto when Native.IsOpenSslAvailable => new OpenSslAesCtr(key),
        SrtpCipherPath.Auto => new PortableAesCtr(key),
        SrtpCipherPath.AesNi or SrtpCipherPath.Vaes => new AesNiCtr(key),
        SrtpCipherPath.OpenSsl => new OpenSslAesCtr(key),
        SrtpCipherPath.Portable => new PortableAesCtr(key),
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, "No such AES-CTR implementation."),
    };

    // XORs the keystream starting at iv into data.
    public abstract void Transform(ReadOnlySpan<byte> iv, Span<byte> data);

    public virtual void Dispose()
    {
    }
}

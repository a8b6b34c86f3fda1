using System.Security.Cryptography;

namespace Meet.Modules.Media.Protocols.Srtp.Crypto;

// .NET's AesGcm: slower per call (fixed overhead) but available wherever .NET runs.
internal sealed class PortableAesGcm : AeadCipher
{
    private readonly AesGcm _aes;

    // AesGcm takes the associated data as one span; only SRTCP needs two parts, and for E=1 the two
    // together are 12 bytes. The E=0 (authenticate-only) case can be a whole packet, so it has its own
    // reusable buffer that grows on demand.
    private byte[] _joinedAad = new byte[1500];

    public PortableAesGcm(ReadOnlySpan<byte> key)
    {
        _aes = new AesGcm(key, TagLength);
    }

    public override void Encrypt(
        ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad1, ReadOnlySpan<byte> aad2, Span<byte> data, Span<byte> tag) =>
        _aes.Encrypt(nonce, data, data, tag.Slice(0, TagLength), Join(aad1, aad2));

    public override bool Decrypt(
        ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad1, ReadOnlySpan<byte> aad2, Span<byte> data, ReadOnlySpan<byte> tag)
    {
        try
        {
            _aes.Decrypt(nonce, data, tag.Slice(0, TagLength), data, Join(aad1, aad2));
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            // The only way AesGcm reports a bad tag; forged packets are rare enough that the cost of
            // the exception does not matter, and this path is the fallback anyway.
            return false;
        }
    }

    public override void Dispose() => _aes.Dispose();

    private ReadOnlySpan<byte> Join(ReadOnlySpan<byte> aad1, ReadOnlySpan<byte> aad2)
    {
        if (aad2.IsEmpty)
        {
            return aad1;
        }

        int total = aad1.Length + aad2.Length;
        if (_joinedAad.Length < total)
        {
            _joinedAad = new byte[total];
        }

        aad1.CopyTo(_joinedAad);
        aad2.CopyTo(_joinedAad.AsSpan(aad1.Length));
        return _joinedAad.AsSpan(0, total);
    }
}

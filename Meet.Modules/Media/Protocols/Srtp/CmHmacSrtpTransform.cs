using System.Buffers.Binary;
using System.Security.Cryptography;
using Meet.Modules.Media.Protocols.Srtp.Crypto;

namespace Meet.Modules.Media.Protocols.Srtp;

// AES_CM_128_HMAC_SHA1_80, RFC 3711 §4.1.1 (AES-CM) and §4.2.1 (HMAC-SHA1 truncated to 80 bits).
internal sealed class CmHmacSrtpTransform : SrtpTransform
{
    private const int Tag = 10;
    private const int RocLength = 4;
    private const int TrailerLength = SrtpProfileParameters.SrtcpIndexLength;

    private readonly CtrCipher _cipher;
    private readonly HmacSha1 _mac;
    private readonly byte[] _salt;

    public CmHmacSrtpTransform(SrtpSessionKeys keys, SrtpCryptoPaths paths)
    {
        _cipher = CtrCipher.Create(keys.EncryptionKey, paths.Cipher);
        _mac = HmacSha1.Create(keys.AuthKey, paths.Mac);
        _salt = keys.Salt;
    }

    public override int TagLength => Tag;

    // Encrypt the payload, then authenticate header || ciphertext || ROC (§4.2). The ROC is written
    // where the tag goes so one HMAC pass covers it, then the tag overwrites it.
    public override void ProtectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, uint roc)
    {
        Span<byte> iv = stackalloc byte[CtrCipher.IvLength];
        ulong index = ((ulong)roc << 16) | BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(2));
        Iv(iv, ssrc, index);
        _cipher.Transform(iv, packet.Slice(headerLength, length - headerLength));

        Span<byte> digest = stackalloc byte[HmacSha1.DigestLength];
        BinaryPrimitives.WriteUInt32BigEndian(packet.Slice(length), roc);
        _mac.Compute(packet.Slice(0, length + RocLength), digest);
        digest.Slice(0, Tag).CopyTo(packet.Slice(length));
    }

    // Authenticate before decrypting (§3.3 step 5 before 6), comparing in constant time.
    public override bool UnprotectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, uint roc)
    {
        int authenticated = length - Tag;
        Span<byte> received = stackalloc byte[Tag];
        var tagArea = packet.Slice(authenticated, Tag);
        tagArea.CopyTo(received);

        Span<byte> digest = stackalloc byte[HmacSha1.DigestLength];
        BinaryPrimitives.WriteUInt32BigEndian(tagArea, roc);
        _mac.Compute(packet.Slice(0, authenticated + RocLength), digest);
        received.CopyTo(tagArea);
        if (!CryptographicOperations.FixedTimeEquals(digest.Slice(0, Tag), received))
        {
            return false;
        }

        Span<byte> iv = stackalloc byte[CtrCipher.IvLength];
        ulong index = ((ulong)roc << 16) | BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(2));
        Iv(iv, ssrc, index);
        _cipher.Transform(iv, packet.Slice(headerLength, authenticated - headerLength));
        return true;
    }

    // §3.4: header(8) | encrypted rest | E||index | tag, the tag covering everything before it.
    public override void ProtectRtcp(Span<byte> packet, int length, uint ssrc, uint index)
    {
        Span<byte> iv = stackalloc byte[CtrCipher.IvLength];
        Iv(iv, ssrc, index);
        _cipher.Transform(iv, packet.Slice(8, length - 8));
        BinaryPrimitives.WriteUInt32BigEndian(packet.Slice(length), index | 0x8000_0000u);

        Span<byte> digest = stackalloc byte[HmacSha1.DigestLength];
        _mac.Compute(packet.Slice(0, length + TrailerLength), digest);
        digest.Slice(0, Tag).CopyTo(packet.Slice(length + TrailerLength));
    }

    public override bool UnprotectRtcp(Span<byte> packet, int length, uint ssrc, uint index, bool encrypted)
    {
        int authenticated = length - Tag;
        Span<byte> digest = stackalloc byte[HmacSha1.DigestLength];
        _mac.Compute(packet.Slice(0, authenticated), digest);
        if (!CryptographicOperations.FixedTimeEquals(digest.Slice(0, Tag), packet.Slice(authenticated, Tag)))
        {
            return false;
        }

        if (encrypted)
        {
            Span<byte> iv = stackalloc byte[CtrCipher.IvLength];
            Iv(iv, ssrc, index);
            _cipher.Transform(iv, packet.Slice(8, authenticated - TrailerLength - 8));
        }

        return true;
    }

    public override void Dispose()
    {
        _cipher.Dispose();
        _mac.Dispose();
    }

    // §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), i the 48-bit packet index.
    private void Iv(Span<byte> iv, uint ssrc, ulong index)
    {
        _salt.CopyTo(iv);
        iv[14] = 0;
        iv[15] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(iv.Slice(4), BinaryPrimitives.ReadUInt32BigEndian(iv.Slice(4)) ^ ssrc);
        // Bytes 8..13 take the index; write it shifted into a 64-bit big-endian word over 8..15,
        // whose low 16 bits are the zeroed counter bytes.
        BinaryPrimitives.WriteUInt64BigEndian(
            iv.Slice(8), BinaryPrimitives.ReadUInt64BigEndian(iv.Slice(8)) ^ (index << 16));
    }
}

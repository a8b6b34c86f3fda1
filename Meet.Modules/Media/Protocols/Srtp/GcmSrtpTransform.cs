using System.Buffers.Binary;
using Meet.Modules.Media.Protocols.Srtp.Crypto;

namespace Meet.Modules.Media.Protocols.Srtp;

// AEAD_AES_128_GCM for SRTP and SRTCP, RFC 7714.
internal sealed class GcmSrtpTransform : SrtpTransform
{
    private const int TrailerLength = SrtpProfileParameters.SrtcpIndexLength;

    private readonly AeadCipher _cipher;
    private readonly byte[] _salt;

    // Set once a packet has been left to a batch: see Dispose.
    private bool _handedToBatch;

    public GcmSrtpTransform(SrtpSessionKeys keys, SrtpCipherPath path)
    {
        _cipher = AeadCipher.Create(keys.EncryptionKey, path);
        _salt = keys.Salt;
    }

    public override int TagLength => AeadCipher.TagLength;

    // RFC 7714 §8.1: IV = (00 00 || SSRC || ROC || SEQ) XOR salt; AAD is the whole RTP header
    // (CSRCs and header extension included, §8.2); the payload, padding included, is encrypted.
    public override void ProtectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, uint roc)
    {
        Span<byte> nonce = stackalloc byte[AeadCipher.NonceLength];
        RtpNonce(nonce, ssrc, roc, BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(2)));
        _cipher.Encrypt(
            nonce,
            packet.Slice(0, headerLength),
            default,
            packet.Slice(headerLength, length - headerLength),
            packet.Slice(length, AeadCipher.TagLength));
    }

    public override void ProtectRtp(Memory<byte> packet, int headerLength, int length, uint ssrc, uint roc, AesNiGcmBatch batch)
    {
        if (_cipher is not AesNiGcm aesNi || !AesNiGcmBatch.IsSupported)
        {
            ProtectRtp(packet.Span, headerLength, length, ssrc, roc);
            return;
        }

        // The batch runs later on the calling thread, outside whatever lock the caller holds, possibly
        // while another thread protects with this cipher: RTP encryption (one-part AAD) reads only the
        // key schedule and H powers, never the cipher's AAD scratch, so that is safe.
        Span<byte> nonce = stackalloc byte[AeadCipher.NonceLength];
        RtpNonce(nonce, ssrc, roc, BinaryPrimitives.ReadUInt16BigEndian(packet.Span.Slice(2)));
        _handedToBatch = true;
        batch.Add(aesNi, nonce, packet, headerLength, length - headerLength);
    }

    public override bool UnprotectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, uint roc)
    {
        Span<byte> nonce = stackalloc byte[AeadCipher.NonceLength];
        RtpNonce(nonce, ssrc, roc, BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(2)));
        int payloadEnd = length - AeadCipher.TagLength;
        return _cipher.Decrypt(
            nonce,
            packet.Slice(0, headerLength),
            default,
            packet.Slice(headerLength, payloadEnd - headerLength),
            packet.Slice(payloadEnd, AeadCipher.TagLength));
    }

    // RFC 7714 §9.1: the SRTCP packet is header(8) | ciphertext | tag | E||index. AAD is the first
    // 8 octets plus the E||index word; IV = (00 00 || SSRC || 00 00 || 0||index) XOR salt.
    public override void ProtectRtcp(Span<byte> packet, int length, uint ssrc, uint index)
    {
        Span<byte> nonce = stackalloc byte[AeadCipher.NonceLength];
        RtcpNonce(nonce, ssrc, index);
        var trailer = packet.Slice(length + AeadCipher.TagLength, TrailerLength);
        BinaryPrimitives.WriteUInt32BigEndian(trailer, index | 0x8000_0000u);
        _cipher.Encrypt(
            nonce,
            packet.Slice(0, 8),
            trailer,
            packet.Slice(8, length - 8),
            packet.Slice(length, AeadCipher.TagLength));
    }

    // RFC 7714 §9.2: with E = 0 nothing is encrypted and everything before the tag is AAD.
    public override bool UnprotectRtcp(Span<byte> packet, int length, uint ssrc, uint index, bool encrypted)
    {
        Span<byte> nonce = stackalloc byte[AeadCipher.NonceLength];
        RtcpNonce(nonce, ssrc, index);
        int tagStart = length - TrailerLength - AeadCipher.TagLength;
        var trailer = packet.Slice(length - TrailerLength, TrailerLength);
        var tag = packet.Slice(tagStart, AeadCipher.TagLength);
        return encrypted
            ? _cipher.Decrypt(nonce, packet.Slice(0, 8), trailer, packet.Slice(8, tagStart - 8), tag)
            : _cipher.Decrypt(nonce, packet.Slice(0, tagStart), trailer, default, tag);
    }

    // Disposing clears the key schedule. A packet already left to a batch (on the sending thread, which
    // may run it after another thread disposed of this transport) must still be encrypted under the
    // real key, never under a zeroed one, so a cipher that has fed a batch is left to the GC instead.
    public override void Dispose()
    {
        if (!Volatile.Read(ref _handedToBatch))
            _cipher.Dispose();
    }

    private void RtpNonce(Span<byte> nonce, uint ssrc, uint roc, ushort sequence)
    {
        nonce[0] = 0;
        nonce[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(nonce.Slice(2), ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(nonce.Slice(6), roc);
        BinaryPrimitives.WriteUInt16BigEndian(nonce.Slice(10), sequence);
        XorSalt(nonce);
    }

    private void RtcpNonce(Span<byte> nonce, uint ssrc, uint index)
    {
        nonce[0] = 0;
        nonce[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(nonce.Slice(2), ssrc);
        nonce[6] = 0;
        nonce[7] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(nonce.Slice(8), index & 0x7FFF_FFFFu);
        XorSalt(nonce);
    }

    private void XorSalt(Span<byte> nonce)
    {
        // 12 bytes: one 64-bit and one 32-bit XOR.
        ReadOnlySpan<byte> salt = _salt;
        BinaryPrimitives.WriteUInt64LittleEndian(
            nonce, BinaryPrimitives.ReadUInt64LittleEndian(nonce) ^ BinaryPrimitives.ReadUInt64LittleEndian(salt));
        BinaryPrimitives.WriteUInt32LittleEndian(
            nonce.Slice(8),
            BinaryPrimitives.ReadUInt32LittleEndian(nonce.Slice(8)) ^ BinaryPrimitives.ReadUInt32LittleEndian(salt.Slice(8)));
    }
}

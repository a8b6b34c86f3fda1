using Meet.Modules.Media.Protocols.Srtp.Crypto;

namespace Meet.Modules.Media.Protocols.Srtp;

// The cryptographic transform of one profile under one set of session keys (SRTP or SRTCP). Index
// bookkeeping and replay live in SrtpContext; this only builds IVs, encrypts and authenticates.
internal abstract class SrtpTransform : IDisposable
{
    public abstract int TagLength { get; }

    public static SrtpTransform Create(SrtpSessionKeys keys, SrtpCryptoPaths paths) => keys.Profile switch
    {
        SrtpProtectionProfile.AeadAes128Gcm => new GcmSrtpTransform(keys, paths.Cipher),
        SrtpProtectionProfile.AesCm128HmacSha1_80 => new CmHmacSrtpTransform(keys, paths),
        _ => throw new ArgumentOutOfRangeException(nameof(keys), keys.Profile, "Unsupported SRTP protection profile."),
    };

    // packet[0..length) is the RTP packet; the tag is written at packet[length..length + TagLength).
    public abstract void ProtectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, uint roc);

    // The same, possibly left to a multi-buffer batch that encrypts it later (only GCM on AES-NI does).
    public virtual void ProtectRtp(Memory<byte> packet, int headerLength, int length, uint ssrc, uint roc, AesNiGcmBatch batch) =>
        ProtectRtp(packet.Span, headerLength, length, ssrc, roc);

    // packet[0..length) is the SRTP packet including its tag; decrypts in place.
    public abstract bool UnprotectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, uint roc);

    // packet[0..length) is the RTCP compound packet; appends tag and E||index (order per profile).
    public abstract void ProtectRtcp(Span<byte> packet, int length, uint ssrc, uint index);

    // packet[0..length) is the whole SRTCP packet; the caller has read E and the index from it.
    public abstract bool UnprotectRtcp(Span<byte> packet, int length, uint ssrc, uint index, bool encrypted);

    public abstract void Dispose();
}

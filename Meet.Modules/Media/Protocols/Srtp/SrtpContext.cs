using System.Buffers.Binary;
using Meet.Modules.Media.Protocols.Srtp.Crypto;

namespace Meet.Modules.Media.Protocols.Srtp;

// SRTP/SRTCP for one set of master keys: protect what we send with the local keys, unprotect what
// arrives with the remote keys (SrtpSession pairs the two). Everything happens in place in the
// caller's buffer, nothing is allocated per packet (a stream's state is allocated once, on its
// first packet), and bad packets come back as an SrtpError, never as an exception.
//
// Not thread-safe: one context belongs to one transport's I/O loop.
public sealed partial class SrtpContext : IDisposable
{
    private readonly SrtpTransform _rtp;
    private readonly SrtpTransform _rtcp;
    private readonly SrtpStreamTable _outbound = new();
    private readonly SrtpStreamTable _inbound = new();
    private bool _disposed;

    public SrtpContext(SrtpKeyingMaterial keys)
        : this(keys, SrtpCryptoPaths.Auto)
    {
    }

    internal SrtpContext(SrtpKeyingMaterial keys, SrtpCryptoPaths paths)
        : this(SrtpSessionKeys.Derive(keys, rtcp: false), SrtpSessionKeys.Derive(keys, rtcp: true), paths, ownsKeys: true)
    {
    }

    // Session keys directly: the RFC 7714 vectors are stated below key derivation.
    internal SrtpContext(SrtpSessionKeys rtpKeys, SrtpSessionKeys rtcpKeys, SrtpCryptoPaths paths, bool ownsKeys = false)
    {
        Profile = rtpKeys.Profile;
        _rtp = SrtpTransform.Create(rtpKeys, paths);
        try
        {
            _rtcp = SrtpTransform.Create(rtcpKeys, paths);
        }
        catch
        {
            _rtp.Dispose();
            throw;
        }
        finally
        {
            // The ciphers hold their own copies (key schedules, EVP contexts, HMAC pad states).
            if (ownsKeys)
            {
                rtpKeys.ClearSecrets();
                rtcpKeys.ClearSecrets();
            }
        }
    }

    public SrtpProtectionProfile Profile { get; }

    // Bytes TryProtectRtp appends (the tag); the buffer must have this much room after the packet.
    public int RtpOverhead => _rtp.TagLength;

    // Bytes TryProtectRtcp appends: the tag and the E||SRTCP index word.
    public int RtcpOverhead => _rtcp.TagLength + SrtpProfileParameters.SrtcpIndexLength;

    // Drops the per-SSRC state (ROC, replay windows, SRTCP index) of a source that has gone away,
    // so long sessions with SSRC churn do not accumulate it. A later packet from the SSRC starts a
    // new stream at ROC 0.
    public bool RemoveStream(uint ssrc)
    {
        ThrowIfDisposed();
        bool outbound = _outbound.Remove(ssrc);
        bool inbound = _inbound.Remove(ssrc);
        return outbound || inbound;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _rtp.Dispose();
        _rtcp.Dispose();
    }

    // Test hook: RFC 7714 §17's vector is protected under SRTCP index 0x5d4.
    internal void SetNextRtcpIndex(uint ssrc, uint index) => _outbound.GetOrAdd(ssrc).NextRtcpIndex = index;

    // Benchmark hook: lets a fixed ring of protected packets be unprotected again and again.
    internal void ResetInboundReplayState() => _inbound.ResetReplayState();

    private static void ValidateLength(Span<byte> buffer, int length)
    {
        if ((uint)length > (uint)buffer.Length)
        {
            ThrowLengthOutOfRange(length);
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowLengthOutOfRange(int length) =>
        throw new ArgumentOutOfRangeException(nameof(length), length, "The packet length must lie within the buffer.");

    //  0                   1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |V=2|P|X|  CC   |M|     PT      |       sequence number         |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                           timestamp                           |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |           synchronization source (SSRC) identifier            |
    // +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
    // |            contributing source (CSRC) identifiers             |
    // |                             ....                              |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |      defined by profile       |           length              |
    // |                        header extension                       |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // RFC 3550 §5.1/§5.3.1. SRTP leaves all of it in the clear (and, for GCM, authenticates it as AAD),
    // so only its length matters here.
    private static SrtpError ReadRtpHeaderLength(ReadOnlySpan<byte> packet, out int headerLength)
    {
        headerLength = 0;
        if (packet.Length < 12)
        {
            return SrtpError.TooShort;
        }

        byte first = packet[0];
        if (first >> 6 != 2)
        {
            return SrtpError.Malformed;
        }

        int length = 12 + (4 * (first & 0x0F));
        if ((first & 0x10) != 0)
        {
            if (packet.Length < length + 4)
            {
                return SrtpError.Malformed;
            }

            length += 4 + (4 * BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(length + 2)));
        }

        if (length > packet.Length)
        {
            return SrtpError.Malformed;
        }

        headerLength = length;
        return SrtpError.None;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}

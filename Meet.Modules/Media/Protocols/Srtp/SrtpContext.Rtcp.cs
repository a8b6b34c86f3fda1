using System.Buffers.Binary;

namespace Meet.Modules.Media.Protocols.Srtp;

public sealed partial class SrtpContext
{
    private const uint MaxSrtcpIndex = 0x7FFF_FFFF;
    private const int RtcpHeaderLength = 8;

    //  0                   1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |V=2|P|    RC   |   PT=SR=200   |             length            |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                         SSRC of sender                        |
    // +>+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                 encrypted rest of the compound                |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |E|                         SRTCP index                         |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                   authentication tag (80 bits)                |
    // RFC 3711 §3.4 (AES-CM). RFC 7714 §9 (GCM) puts the 16-byte tag before E||index instead.

    // buffer[0..length) holds a (compound) RTCP packet; on success buffer[0..protectedLength) holds
    // the SRTCP packet, always encrypted (E = 1). Needs RtcpOverhead spare bytes after the packet.
    public bool TryProtectRtcp(Span<byte> buffer, int length, out int protectedLength, out SrtpError error)
    {
        ThrowIfDisposed();
        ValidateLength(buffer, length);
        protectedLength = 0;
        error = ReadRtcpHeader(buffer.Slice(0, length));
        if (error != SrtpError.None)
        {
            return false;
        }

        if (buffer.Length - length < RtcpOverhead)
        {
            error = SrtpError.BufferTooSmall;
            return false;
        }

        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer.Slice(4));
        var stream = _outbound.GetOrAdd(ssrc);

        // §3.4: the index starts at zero and counts every SRTCP packet sent under the key.
        uint index = stream.NextRtcpIndex;
        if (index > MaxSrtcpIndex)
        {
            error = SrtpError.IndexExhausted;
            return false;
        }

        _rtcp.ProtectRtcp(buffer, length, ssrc, index);
        stream.NextRtcpIndex = index + 1;
        protectedLength = length + RtcpOverhead;
        return true;
    }

    // buffer[0..length) holds an SRTCP packet; on success buffer[0..unprotectedLength) holds the RTCP
    // packet. Packets sent with E = 0 (authenticated only) are accepted too.
    public bool TryUnprotectRtcp(Span<byte> buffer, int length, out int unprotectedLength, out SrtpError error)
    {
        ThrowIfDisposed();
        ValidateLength(buffer, length);
        unprotectedLength = 0;
        int overhead = RtcpOverhead;
        if (length < RtcpHeaderLength + overhead)
        {
            error = SrtpError.TooShort;
            return false;
        }

        error = ReadRtcpHeader(buffer.Slice(0, length - overhead));
        if (error != SrtpError.None)
        {
            return false;
        }

        // AES-CM: ... | E||index | tag(10). GCM: ... | tag(16) | E||index.
        int trailerOffset = Profile == SrtpProtectionProfile.AeadAes128Gcm
            ? length - SrtpProfileParameters.SrtcpIndexLength
            : length - _rtcp.TagLength - SrtpProfileParameters.SrtcpIndexLength;
        uint trailer = BinaryPrimitives.ReadUInt32BigEndian(buffer.Slice(trailerOffset));
        bool encrypted = (trailer & 0x8000_0000u) != 0;
        uint index = trailer & MaxSrtcpIndex;
        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer.Slice(4));

        var stream = _inbound.Find(ssrc);
        if (stream is not null)
        {
            error = stream.Rtcp.Check(index);
            if (error != SrtpError.None)
            {
                return false;
            }
        }

        if (!_rtcp.UnprotectRtcp(buffer, length, ssrc, index, encrypted))
        {
            error = SrtpError.AuthenticationFailed;
            return false;
        }

        (stream ?? _inbound.GetOrAdd(ssrc)).Rtcp.Accept(index);
        unprotectedLength = length - overhead;
        return true;
    }

    private static SrtpError ReadRtcpHeader(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < RtcpHeaderLength)
        {
            return SrtpError.TooShort;
        }

        return packet[0] >> 6 == 2 ? SrtpError.None : SrtpError.Malformed;
    }
}

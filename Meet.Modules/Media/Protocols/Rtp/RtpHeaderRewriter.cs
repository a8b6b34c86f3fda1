using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Meet.Modules.Media.Protocols.Rtp;

// In-place edits the SFU makes on forwarded packets: one continuous stream per subscriber when it
// switches simulcast layers means new SSRC, sequence number and timestamp (RFC 3550 §5.1 offsets).
public static class RtpHeaderRewriter
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryRewrite(Span<byte> packet, uint ssrc, ushort sequenceNumber, uint timestamp)
    {
        if (packet.Length < RtpHeader.FixedSize)
            return false;
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], sequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(packet[4..], timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet[8..], ssrc);
        return true;
    }

    public static bool TrySetPayloadType(Span<byte> packet, byte payloadType, bool marker)
    {
        if (packet.Length < RtpHeader.FixedSize || payloadType > 127)
            return false;
        packet[1] = (byte)((marker ? 0x80 : 0) | payloadType);
        return true;
    }

    // Overwrites an extension value of the same length (e.g. a new transport-wide sequence number).
    public static bool TryRewriteExtension(Span<byte> packet, in RtpHeader header, int id, ReadOnlySpan<byte> value)
    {
        if (!header.TryFindExtension(packet, id, out var offset, out var length) || length != value.Length)
            return false;
        value.CopyTo(packet[offset..]);
        return true;
    }
}

using System.Buffers.Binary;
using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Modules.Media.Bandwidth;

// RFC 4588 §4: an RTX packet carries the original sequence number (OSN) in its first two payload bytes.
// Restoring the original moves the header two bytes forward over the OSN, in place, and puts back the
// original SSRC, payload type and sequence number: no copy of the payload, no allocation.
internal static class RtxPacket
{
    // False for a packet with no OSN (Chrome's padding-only bandwidth probes on the RTX stream).
    public static bool TryRestore(Span<byte> packet, in RtpHeader header, uint originalSsrc, byte originalPayloadType,
        out Span<byte> restored)
    {
        restored = default;
        if (header.PayloadLength < 2)
            return false;
        var osn = BinaryPrimitives.ReadUInt16BigEndian(packet[header.HeaderLength..]);
        // Overlapping copy: Span.CopyTo has memmove semantics.
        packet[..header.HeaderLength].CopyTo(packet[2..]);
        restored = packet[2..];
        restored[1] = (byte)((restored[1] & 0x80) | originalPayloadType);
        BinaryPrimitives.WriteUInt16BigEndian(restored[2..], osn);
        BinaryPrimitives.WriteUInt32BigEndian(restored[8..], originalSsrc);
        return true;
    }
}

using System.Buffers.Binary;
using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Modules.Media.Bandwidth;

// Gives every packet the SFU sends one subscriber our own transport-wide sequence number (issue 11), so
// that subscriber's transport-cc feedback describes our sending, not the publisher's. In place and 0 B:
// the publisher's transport-wide element is reused (its value overwritten, its id changed to the one the
// subscriber negotiated); an element that already had that id gets the publisher's old id instead, which
// the subscriber does not know and ignores (a swap: nothing grows or moves).
internal static class TransportSequenceStamper
{
    // The id the subscriber offer announces for transport-cc: Chrome's own choice, so a Chrome
    // publisher's packets need no swap.
    public const int SubscriberExtensionId = 3;

    // False when the packet has no transport-wide element to reuse (its publisher did not negotiate one).
    public static bool TryStamp(Span<byte> packet, int sourceExtensionId, ushort sequenceNumber)
    {
        if (sourceExtensionId == 0 || !RtpHeader.TryParse(packet, out var header)
            || !header.TryFindExtension(packet, sourceExtensionId, out var offset, out var length)
            || length != TransportWideSequenceExtension.Size)
            return false;
        if (sourceExtensionId != SubscriberExtensionId)
        {
            var twoByte = header.HasTwoByteExtensions;
            if (!twoByte && SubscriberExtensionId > 14)
                return false;
            if (header.TryFindExtension(packet, SubscriberExtensionId, out var otherOffset, out _))
                SetId(packet, otherOffset, sourceExtensionId, twoByte);
            SetId(packet, offset, SubscriberExtensionId, twoByte);
        }
        BinaryPrimitives.WriteUInt16BigEndian(packet[offset..], sequenceNumber);
        return true;
    }

    // RFC 8285 §4.2: one-byte elements are ID(4 bits) | L-1(4 bits) before the value; §4.3: two-byte
    // elements are ID(8) | L(8).
    private static void SetId(Span<byte> packet, int valueOffset, int id, bool twoByte)
    {
        if (twoByte)
            packet[valueOffset - 2] = (byte)id;
        else
            packet[valueOffset - 1] = (byte)((id << 4) | (packet[valueOffset - 1] & 0x0F));
    }
}

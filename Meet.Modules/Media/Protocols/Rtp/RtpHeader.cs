using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Meet.Modules.Media.Protocols.Rtp;

// A parsed RTP fixed header plus the offsets of everything behind it (RFC 3550 §5.1). A plain value:
// the packet bytes stay with the caller, who passes them back in to read CSRCs or extensions.
//
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
// |      defined by profile       |   length (32-bit words)       |  if X
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                        header extension                       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                 payload ...  | padding | pad count (if P)     |
public readonly struct RtpHeader
{
    public const int FixedSize = 12;
    public const ushort OneByteExtensionProfile = 0xBEDE;
    // RFC 8285 §4.3: 0x100 followed by 4 "appbits".
    public const ushort TwoByteExtensionProfileMask = 0xFFF0;
    public const ushort TwoByteExtensionProfile = 0x1000;

    private readonly byte _first;
    private readonly byte _second;

    private RtpHeader(byte first, byte second, ushort sequenceNumber, uint timestamp, uint ssrc, ushort extensionProfile,
        ushort extensionOffset, ushort extensionLength, ushort headerLength, ushort paddingLength, ushort payloadLength)
    {
        _first = first;
        _second = second;
        SequenceNumber = sequenceNumber;
        Timestamp = timestamp;
        Ssrc = ssrc;
        ExtensionProfile = extensionProfile;
        ExtensionOffset = extensionOffset;
        ExtensionLength = extensionLength;
        HeaderLength = headerLength;
        PaddingLength = paddingLength;
        PayloadLength = payloadLength;
    }

    public bool HasPadding => (_first & 0x20) != 0;

    public bool HasExtension => (_first & 0x10) != 0;

    public int CsrcCount => _first & 0x0F;

    public bool Marker => (_second & 0x80) != 0;

    public byte PayloadType => (byte)(_second & 0x7F);

    public ushort SequenceNumber { get; }

    public uint Timestamp { get; }

    public uint Ssrc { get; }

    public ushort ExtensionProfile { get; }

    // Offset and length of the extension elements (after the 4-byte extension header).
    public int ExtensionOffset { get; }

    public int ExtensionLength { get; }

    // Offset of the payload.
    public int HeaderLength { get; }

    public int PaddingLength { get; }

    public int PayloadLength { get; }

    public bool HasOneByteExtensions => HasExtension && ExtensionProfile == OneByteExtensionProfile;

    public bool HasTwoByteExtensions => HasExtension && (ExtensionProfile & TwoByteExtensionProfileMask) == TwoByteExtensionProfile;

    // RFC 7983 §7: first byte 128..191 is RTP or RTCP; RFC 5761 §4 tells them apart by the
    // second byte (RTCP packet types 192..223 = marker bit + payload types 64..95).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsRtp(ReadOnlySpan<byte> packet) =>
        packet.Length >= FixedSize && (packet[0] & 0xC0) == 0x80 && (byte)(packet[1] - 192) > 31;

    public static bool TryParse(ReadOnlySpan<byte> packet, out RtpHeader header)
    {
        header = default;
        if (packet.Length < FixedSize || packet.Length > ushort.MaxValue)
            return false;
        var first = packet[0];
        if ((first & 0xC0) != 0x80)
            return false;
        var offset = FixedSize + ((first & 0x0F) << 2);
        ushort profile = 0, extensionOffset = 0, extensionLength = 0;
        if ((first & 0x10) != 0)
        {
            if (packet.Length < offset + 4)
                return false;
            profile = BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
            extensionLength = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]) << 2);
            extensionOffset = (ushort)(offset + 4);
            offset = extensionOffset + extensionLength;
        }
        if (packet.Length < offset)
            return false;
        var padding = 0;
        if ((first & 0x20) != 0)
        {
            // RFC 3550 §5.1: the last octet counts the padding, itself included.
            padding = packet[^1];
            if (padding == 0 || padding > packet.Length - offset)
                return false;
        }
        header = new RtpHeader(first, packet[1], BinaryPrimitives.ReadUInt16BigEndian(packet[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(packet[4..]), BinaryPrimitives.ReadUInt32BigEndian(packet[8..]),
            profile, extensionOffset, extensionLength, (ushort)offset, (ushort)padding,
            (ushort)(packet.Length - offset - padding));
        return true;
    }

    public uint GetCsrc(ReadOnlySpan<byte> packet, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, CsrcCount);
        return BinaryPrimitives.ReadUInt32BigEndian(packet[(FixedSize + 4 * index)..]);
    }

    public ReadOnlySpan<byte> GetPayload(ReadOnlySpan<byte> packet) => packet.Slice(HeaderLength, PayloadLength);

    public RtpHeaderExtensionEnumerator GetExtensions(ReadOnlySpan<byte> packet) =>
        HasOneByteExtensions || HasTwoByteExtensions
            ? new RtpHeaderExtensionEnumerator(packet.Slice(ExtensionOffset, ExtensionLength), HasTwoByteExtensions)
            : default;

    public bool TryGetExtension(ReadOnlySpan<byte> packet, int id, out ReadOnlySpan<byte> value)
    {
        if (TryFindExtension(packet, id, out var offset, out var length))
        {
            value = packet.Slice(offset, length);
            return true;
        }
        value = default;
        return false;
    }

    // Offset (into the packet) and length of one extension's value, so the SFU can overwrite it in
    // place, e.g. the transport-wide sequence number per subscriber.
    public bool TryFindExtension(ReadOnlySpan<byte> packet, int id, out int offset, out int length)
    {
        var elements = GetExtensions(packet);
        while (elements.MoveNext())
        {
            if (elements.CurrentId == id)
            {
                offset = ExtensionOffset + elements.CurrentValueOffset;
                length = elements.CurrentValue.Length;
                return true;
            }
        }
        offset = length = 0;
        return false;
    }
}

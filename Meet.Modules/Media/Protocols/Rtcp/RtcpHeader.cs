using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Meet.Modules.Media.Protocols.Rtcp;

// The common first word of every RTCP packet (RFC 3550 §6.4.1) plus where the packet ends.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P|  RC/FMT |      PT       |  length (32-bit words − 1)    |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public readonly struct RtcpHeader
{
    public const int Size = 4;

    private readonly byte _first;

    private RtcpHeader(byte first, byte packetType, int packetLength, int paddingLength)
    {
        _first = first;
        PacketType = (RtcpPacketType)packetType;
        PacketLength = packetLength;
        PaddingLength = paddingLength;
    }

    public bool HasPadding => (_first & 0x20) != 0;

    // Report/source count, or FMT for feedback packets.
    public int Count => _first & 0x1F;

    public RtcpPacketType PacketType { get; }

    // Whole packet in bytes, header and padding included.
    public int PacketLength { get; }

    public int PaddingLength { get; }

    // RFC 5761 §4: on a muxed port, second byte 192..223 (RTCP PT 200..204 plus FB types) is RTCP.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsRtcp(ReadOnlySpan<byte> packet) =>
        packet.Length >= Size && (packet[0] & 0xC0) == 0x80 && (byte)(packet[1] - 192) <= 31;

    public static bool TryParse(ReadOnlySpan<byte> data, out RtcpHeader header)
    {
        header = default;
        if (data.Length < Size || (data[0] & 0xC0) != 0x80)
            return false;
        var length = (BinaryPrimitives.ReadUInt16BigEndian(data[2..]) + 1) * 4;
        if (length > data.Length)
            return false;
        var padding = 0;
        if ((data[0] & 0x20) != 0)
        {
            // §6.4.1: the last octet counts the padding, itself included.
            padding = data[length - 1];
            if (padding == 0 || padding > length - Size)
                return false;
        }
        header = new RtcpHeader(data[0], data[1], length, padding);
        return true;
    }

    // The packet without its header and padding.
    public ReadOnlySpan<byte> GetBody(ReadOnlySpan<byte> packet) => packet[Size..(PacketLength - PaddingLength)];

    internal static bool TryParse(ReadOnlySpan<byte> packet, RtcpPacketType type, int? count, out RtcpHeader header,
        out ReadOnlySpan<byte> body)
    {
        body = default;
        if (!TryParse(packet, out header) || header.PacketType != type || (count is { } c && header.Count != c))
            return false;
        body = header.GetBody(packet);
        return true;
    }

    internal static void Write(Span<byte> destination, int count, RtcpPacketType type, int packetLength)
    {
        destination[0] = (byte)(0x80 | count);
        destination[1] = (byte)type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(packetLength / 4 - 1));
    }
}

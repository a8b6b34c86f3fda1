using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Meet.PacketEngine.Dpdk.Frames;

/// <summary>
/// Ethernet II header (IEEE 802.3 clause 3.2.6). 802.1Q tags are not parsed: a tagged frame shows
/// EtherType 0x8100 and is dropped as not UDP, which is right for an untagged access port.
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Destination MAC (48 bits)                  |
/// +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                               |                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+       Source MAC (48 bits)    +
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |           EtherType           |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </summary>
internal readonly record struct EthernetHeader(MacAddress Destination, MacAddress Source, ushort EtherType)
{
    public const int Size = 14;
    public const ushort EtherTypeIPv4 = 0x0800;
    public const ushort EtherTypeArp = 0x0806;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParse(ReadOnlySpan<byte> frame, out EthernetHeader header)
    {
        if (frame.Length < Size)
        {
            header = default;
            return false;
        }
        header = new EthernetHeader(MacAddress.Read(frame), MacAddress.Read(frame[6..]), BinaryPrimitives.ReadUInt16BigEndian(frame[12..]));
        return true;
    }

    public int GetSerializedSize() => Size;

    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        if (destination.Length < Size)
            return false;
        Destination.Write(destination);
        Source.Write(destination[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(destination[12..], EtherType);
        written = Size;
        return true;
    }
}

using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Meet.PacketEngine.Dpdk.Frames;

/// <summary>
/// IPv4 header (RFC 791 section 3.1). Options are skipped, never interpreted; the writer never emits
/// them. Addresses are host-order uints, as in <see cref="PacketAddress.IPv4HostOrder"/>.
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |Version|  IHL  |Type of Service|          Total Length         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |         Identification        |Flags|      Fragment Offset    |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Time to Live |    Protocol   |         Header Checksum       |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                       Source Address                          |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Destination Address                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Options                    |    Padding    |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </summary>
internal readonly record struct Ipv4Header(
    int HeaderLength,
    byte TypeOfService,
    ushort TotalLength,
    ushort Identification,
    ushort FlagsAndFragmentOffset,
    byte TimeToLive,
    byte Protocol,
    uint Source,
    uint Destination)
{
    public const int MinimumSize = 20;
    public const byte ProtocolUdp = 17;
    public const ushort DontFragment = 0x4000;
    private const ushort MoreFragments = 0x2000;
    private const ushort FragmentOffsetMask = 0x1FFF;

    /// <summary>Either a non-first fragment (offset) or a first one (MF set): both need reassembly.</summary>
    public bool IsFragment => (FlagsAndFragmentOffset & (MoreFragments | FragmentOffsetMask)) != 0;

    /// <summary>
    /// Checks the fixed fields and that both lengths fit in <paramref name="packet"/>; trailing bytes
    /// beyond Total Length (Ethernet padding of short frames) are allowed and ignored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParse(ReadOnlySpan<byte> packet, out Ipv4Header header)
    {
        header = default;
        if (packet.Length < MinimumSize || packet[0] >> 4 != 4)
            return false;
        var headerLength = (packet[0] & 0x0F) * 4;
        var totalLength = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        if (headerLength < MinimumSize || headerLength > totalLength || totalLength > packet.Length)
            return false;
        header = new Ipv4Header(
            headerLength,
            packet[1],
            totalLength,
            BinaryPrimitives.ReadUInt16BigEndian(packet[4..]),
            BinaryPrimitives.ReadUInt16BigEndian(packet[6..]),
            packet[8],
            packet[9],
            BinaryPrimitives.ReadUInt32BigEndian(packet[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(packet[16..]));
        return true;
    }

    /// <summary>A header (options included) verifies when its ones' complement sum is all ones.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool HasValidChecksum(ReadOnlySpan<byte> header) => InternetChecksum.Compute(header) == 0;

    public int GetSerializedSize() => MinimumSize;

    /// <summary>Writes a 20-byte header (no options) with its checksum; HeaderLength is ignored.</summary>
    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        if (destination.Length < MinimumSize)
            return false;
        destination[0] = 0x45;
        destination[1] = TypeOfService;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], TotalLength);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], Identification);
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], FlagsAndFragmentOffset);
        destination[8] = TimeToLive;
        destination[9] = Protocol;
        destination[10] = 0;
        destination[11] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], Source);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], Destination);
        BinaryPrimitives.WriteUInt16BigEndian(destination[10..], InternetChecksum.Compute(destination[..MinimumSize]));
        written = MinimumSize;
        return true;
    }
}

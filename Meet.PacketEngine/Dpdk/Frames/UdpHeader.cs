using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Meet.PacketEngine.Dpdk.Frames;

/// <summary>
/// UDP header (RFC 768).
/// <code>
///  0      7 8     15 16    23 24    31
/// +--------+--------+--------+--------+
/// |     Source      |   Destination   |
/// |      Port       |      Port       |
/// +--------+--------+--------+--------+
/// |     Length      |    Checksum     |
/// +--------+--------+--------+--------+
/// </code>
/// </summary>
internal readonly record struct UdpHeader(ushort SourcePort, ushort DestinationPort, ushort Length, ushort Checksum)
{
    public const int Size = 8;

    /// <summary>Length covers header and payload and must fit in <paramref name="datagram"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParse(ReadOnlySpan<byte> datagram, out UdpHeader header)
    {
        header = default;
        if (datagram.Length < Size)
            return false;
        var length = BinaryPrimitives.ReadUInt16BigEndian(datagram[4..]);
        if (length < Size || length > datagram.Length)
            return false;
        header = new UdpHeader(
            BinaryPrimitives.ReadUInt16BigEndian(datagram),
            BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]),
            length,
            BinaryPrimitives.ReadUInt16BigEndian(datagram[6..]));
        return true;
    }

    /// <summary>
    /// Verifies the checksum over the pseudo-header and <paramref name="datagram"/> (header and
    /// payload, exactly Length bytes). Zero means the sender computed none (RFC 768), which IPv4 allows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool HasValidChecksum(ReadOnlySpan<byte> datagram, uint sourceIp, uint destinationIp)
    {
        if (BinaryPrimitives.ReadUInt16BigEndian(datagram[6..]) == 0)
            return true;
        var sum = InternetChecksum.PseudoHeader(sourceIp, destinationIp, Ipv4Header.ProtocolUdp, (ushort)datagram.Length);
        return InternetChecksum.Finish(InternetChecksum.Accumulate(datagram, sum)) == 0;
    }

    /// <summary>The checksum for this header over <paramref name="payload"/>; never 0 (RFC 768: 0 is sent as 0xFFFF).</summary>
    public ushort ComputeChecksum(ReadOnlySpan<byte> payload, uint sourceIp, uint destinationIp)
    {
        var sum = InternetChecksum.PseudoHeader(sourceIp, destinationIp, Ipv4Header.ProtocolUdp, Length);
        // The header words with a zero checksum field, in the little-endian order Accumulate uses.
        sum += (ulong)BinaryPrimitives.ReverseEndianness(SourcePort)
            + BinaryPrimitives.ReverseEndianness(DestinationPort)
            + BinaryPrimitives.ReverseEndianness(Length);
        var checksum = InternetChecksum.Finish(InternetChecksum.Accumulate(payload, sum));
        return checksum == 0 ? (ushort)0xFFFF : checksum;
    }

    public int GetSerializedSize() => Size;

    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        if (destination.Length < Size)
            return false;
        BinaryPrimitives.WriteUInt16BigEndian(destination, SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], DestinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], Length);
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], Checksum);
        written = Size;
        return true;
    }
}

using System.Buffers.Binary;

namespace Meet.PacketEngine.Dpdk.Frames;

/// <summary>
/// ARP for IPv4 over Ethernet (RFC 826); any other hardware/protocol pairing is refused.
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Hardware type (1)         |     Protocol type (0x0800)    |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  HLEN (6)     |   PLEN (4)    |   Operation (1 req, 2 reply)  |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |       Sender hardware address (48 bits) ...                   |
/// |  ... Sender protocol address (32 bits) ...                    |
/// |  ... Target hardware address (48 bits) ...                    |
/// |  ... Target protocol address (32 bits)                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </summary>
internal readonly record struct ArpPacket(ushort Operation, MacAddress SenderMac, uint SenderIp, MacAddress TargetMac, uint TargetIp)
{
    public const int Size = 28;
    public const ushort OperationRequest = 1;
    public const ushort OperationReply = 2;

    public static bool TryParse(ReadOnlySpan<byte> packet, out ArpPacket arp)
    {
        arp = default;
        if (packet.Length < Size
            || BinaryPrimitives.ReadUInt16BigEndian(packet) != 1
            || BinaryPrimitives.ReadUInt16BigEndian(packet[2..]) != EthernetHeader.EtherTypeIPv4
            || packet[4] != MacAddress.Size
            || packet[5] != 4)
            return false;
        arp = new ArpPacket(
            BinaryPrimitives.ReadUInt16BigEndian(packet[6..]),
            MacAddress.Read(packet[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(packet[14..]),
            MacAddress.Read(packet[18..]),
            BinaryPrimitives.ReadUInt32BigEndian(packet[24..]));
        return true;
    }

    public int GetSerializedSize() => Size;

    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        if (destination.Length < Size)
            return false;
        BinaryPrimitives.WriteUInt16BigEndian(destination, 1);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], EthernetHeader.EtherTypeIPv4);
        destination[4] = MacAddress.Size;
        destination[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], Operation);
        SenderMac.Write(destination[8..]);
        BinaryPrimitives.WriteUInt32BigEndian(destination[14..], SenderIp);
        TargetMac.Write(destination[18..]);
        BinaryPrimitives.WriteUInt32BigEndian(destination[24..], TargetIp);
        written = Size;
        return true;
    }
}

using System.Buffers.Binary;

namespace Meet.PacketEngine.Dpdk.Frames;

/// <summary>Builds the frames the engine sends: Ethernet + IPv4 + UDP headers, and ARP.</summary>
internal static class FrameWriter
{
    public const int UdpHeadersSize = EthernetHeader.Size + Ipv4Header.MinimumSize + UdpHeader.Size;
    public const int ArpFrameSize = EthernetHeader.Size + ArpPacket.Size;
    private const byte DefaultTimeToLive = 64;

    /// <summary>
    /// Writes the 42 bytes of headers that precede <paramref name="payload"/>. DF is set, so the
    /// Identification field may stay zero (RFC 6864 section 4.1). A zero UDP checksum is allowed
    /// over IPv4 (RFC 768) when <paramref name="udpChecksum"/> is off.
    /// </summary>
    public static bool TryWriteUdpHeaders(
        Span<byte> destination,
        MacAddress sourceMac,
        MacAddress destinationMac,
        uint sourceIp,
        ushort sourcePort,
        uint destinationIp,
        ushort destinationPort,
        ReadOnlySpan<byte> payload,
        bool udpChecksum,
        out int written)
    {
        written = 0;
        var udpLength = UdpHeader.Size + payload.Length;
        var totalLength = Ipv4Header.MinimumSize + udpLength;
        if (destination.Length < UdpHeadersSize || totalLength > ushort.MaxValue)
            return false;
        // The hot path of every send: the three headers are written field by field here rather than
        // through EthernetHeader/Ipv4Header/UdpHeader.TryWrite (same bytes, checked by tests), and
        // the IPv4 checksum is summed from the field values instead of re-reading the bytes.
        var headers = destination[..UdpHeadersSize];
        destinationMac.Write(headers);
        sourceMac.Write(headers[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(headers[12..], EthernetHeader.EtherTypeIPv4);
        var ip = headers[EthernetHeader.Size..];
        const ushort versionAndLength = 0x4500;
        const ushort ttlAndProtocol = (DefaultTimeToLive << 8) | Ipv4Header.ProtocolUdp;
        var ipSum = versionAndLength + (uint)totalLength + Ipv4Header.DontFragment + ttlAndProtocol
            + (sourceIp >> 16) + (sourceIp & 0xFFFF) + (destinationIp >> 16) + (destinationIp & 0xFFFF);
        ipSum = (ipSum & 0xFFFF) + (ipSum >> 16);
        ipSum = (ipSum & 0xFFFF) + (ipSum >> 16);
        BinaryPrimitives.WriteUInt16BigEndian(ip, versionAndLength);
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)totalLength);
        BinaryPrimitives.WriteUInt32BigEndian(ip[4..], Ipv4Header.DontFragment); // identification 0, DF
        BinaryPrimitives.WriteUInt16BigEndian(ip[8..], ttlAndProtocol);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], (ushort)~ipSum);
        BinaryPrimitives.WriteUInt32BigEndian(ip[12..], sourceIp);
        BinaryPrimitives.WriteUInt32BigEndian(ip[16..], destinationIp);
        var udp = new UdpHeader(sourcePort, destinationPort, (ushort)udpLength, 0);
        var checksum = udpChecksum ? udp.ComputeChecksum(payload, sourceIp, destinationIp) : (ushort)0;
        var udpBytes = ip[Ipv4Header.MinimumSize..];
        BinaryPrimitives.WriteUInt16BigEndian(udpBytes, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udpBytes[2..], destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udpBytes[4..], (ushort)udpLength);
        BinaryPrimitives.WriteUInt16BigEndian(udpBytes[6..], checksum);
        written = UdpHeadersSize;
        return true;
    }

    public static bool TryWriteArp(Span<byte> destination, MacAddress ethernetDestination, in ArpPacket arp, out int written)
    {
        written = 0;
        if (destination.Length < ArpFrameSize)
            return false;
        new EthernetHeader(ethernetDestination, arp.SenderMac, EthernetHeader.EtherTypeArp).TryWrite(destination, out _);
        arp.TryWrite(destination[EthernetHeader.Size..], out _);
        written = ArpFrameSize;
        return true;
    }
}

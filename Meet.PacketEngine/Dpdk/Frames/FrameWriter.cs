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
        if (destination.Length < UdpHeadersSize || udpLength + Ipv4Header.MinimumSize > ushort.MaxValue)
            return false;
        new EthernetHeader(destinationMac, sourceMac, EthernetHeader.EtherTypeIPv4).TryWrite(destination, out _);
        var ip = new Ipv4Header(Ipv4Header.MinimumSize, 0, (ushort)(Ipv4Header.MinimumSize + udpLength), 0,
            Ipv4Header.DontFragment, DefaultTimeToLive, Ipv4Header.ProtocolUdp, sourceIp, destinationIp);
        ip.TryWrite(destination[EthernetHeader.Size..], out _);
        var udp = new UdpHeader(sourcePort, destinationPort, (ushort)udpLength, 0);
        if (udpChecksum)
            udp = udp with { Checksum = udp.ComputeChecksum(payload, sourceIp, destinationIp) };
        udp.TryWrite(destination[(EthernetHeader.Size + Ipv4Header.MinimumSize)..], out _);
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

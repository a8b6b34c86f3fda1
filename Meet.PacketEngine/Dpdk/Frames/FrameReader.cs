namespace Meet.PacketEngine.Dpdk.Frames;

/// <summary>
/// Classifies one received Ethernet frame for a host that owns a single IPv4 address: UDP for us,
/// ARP to answer or learn from, or a drop with its reason. Never throws, never allocates.
/// </summary>
internal static class FrameReader
{
    public static FrameKind Read(
        ReadOnlySpan<byte> frame,
        MacAddress localMac,
        uint localIp,
        out UdpDatagramInfo datagram,
        out ArpPacket arp,
        out DropReason reason)
    {
        datagram = default;
        arp = default;
        reason = default;
        if (!EthernetHeader.TryParse(frame, out var ethernet))
            return Drop(DropReason.Malformed, out reason);
        if (ethernet.Destination != localMac && !ethernet.Destination.IsBroadcast)
            return Drop(DropReason.NotForUs, out reason);
        var packet = frame[EthernetHeader.Size..];
        switch (ethernet.EtherType)
        {
            case EthernetHeader.EtherTypeIPv4:
                return ReadIPv4(packet, ethernet.Source, localIp, out datagram, out reason);
            case EthernetHeader.EtherTypeArp:
                if (!ArpPacket.TryParse(packet, out arp))
                    return Drop(DropReason.Malformed, out reason);
                if (arp.TargetIp != localIp)
                    return Drop(DropReason.NotForUs, out reason);
                return arp.Operation switch
                {
                    ArpPacket.OperationRequest => FrameKind.ArpRequest,
                    ArpPacket.OperationReply => FrameKind.ArpReply,
                    _ => Drop(DropReason.Malformed, out reason),
                };
            default:
                return Drop(DropReason.NotUdp, out reason);
        }
    }

    private static FrameKind ReadIPv4(ReadOnlySpan<byte> packet, MacAddress sourceMac, uint localIp, out UdpDatagramInfo datagram, out DropReason reason)
    {
        datagram = default;
        if (!Ipv4Header.TryParse(packet, out var ip))
            return Drop(DropReason.Malformed, out reason);
        if (!Ipv4Header.HasValidChecksum(packet[..ip.HeaderLength]))
            return Drop(DropReason.BadIpChecksum, out reason);
        // Media never needs reassembly (RTP packets stay under the path MTU), and a reassembly
        // buffer is a memory-exhaustion target: refuse every fragment.
        if (ip.IsFragment)
            return Drop(DropReason.Fragment, out reason);
        if (ip.Destination != localIp)
            return Drop(DropReason.NotForUs, out reason);
        if (ip.Protocol != Ipv4Header.ProtocolUdp)
            return Drop(DropReason.NotUdp, out reason);
        var udpBytes = packet[ip.HeaderLength..ip.TotalLength];
        if (!UdpHeader.TryParse(udpBytes, out var udp))
            return Drop(DropReason.Malformed, out reason);
        udpBytes = udpBytes[..udp.Length];
        if (!UdpHeader.HasValidChecksum(udpBytes, ip.Source, ip.Destination))
            return Drop(DropReason.BadUdpChecksum, out reason);
        datagram = new UdpDatagramInfo(
            sourceMac,
            ip.Source,
            udp.SourcePort,
            udp.DestinationPort,
            EthernetHeader.Size + ip.HeaderLength + UdpHeader.Size,
            udp.Length - UdpHeader.Size);
        reason = default;
        return FrameKind.Udp;
    }

    private static FrameKind Drop(DropReason why, out DropReason reason)
    {
        reason = why;
        return FrameKind.Dropped;
    }
}

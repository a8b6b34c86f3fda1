namespace Meet.PacketEngine.Dpdk.Frames;

/// <summary>Where a received datagram came from and where its payload sits inside the frame.</summary>
internal readonly record struct UdpDatagramInfo(
    MacAddress SourceMac,
    uint SourceIp,
    ushort SourcePort,
    ushort DestinationPort,
    int PayloadOffset,
    int PayloadLength);

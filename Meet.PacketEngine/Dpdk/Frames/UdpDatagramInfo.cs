namespace Meet.PacketEngine.Dpdk.Frames;

/// <summary>
/// Where a received datagram came from and where its payload sits inside the frame. When
/// <see cref="ChecksumVerified"/> is false the UDP checksum is non-zero and still to be checked
/// (the engine does it while copying the payload out).
/// </summary>
internal readonly record struct UdpDatagramInfo(
    MacAddress SourceMac,
    uint SourceIp,
    ushort SourcePort,
    ushort DestinationPort,
    int PayloadOffset,
    int PayloadLength,
    bool ChecksumVerified);

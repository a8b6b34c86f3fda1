namespace Meet.PacketEngine;

/// <summary>Why a packet was dropped; every drop on every channel is counted under one of these.</summary>
public enum DropReason
{
    /// <summary>Shorter than its headers claim, or otherwise unparseable.</summary>
    Malformed,
    /// <summary>IPv4 header checksum did not verify.</summary>
    BadIpChecksum,
    /// <summary>UDP checksum present and wrong.</summary>
    BadUdpChecksum,
    /// <summary>IPv4 fragment: media never needs reassembly, so fragments are refused.</summary>
    Fragment,
    /// <summary>Not UDP (or not IPv4/ARP at the Ethernet layer).</summary>
    NotUdp,
    /// <summary>Addressed to another host or port.</summary>
    NotForUs,
    /// <summary>Larger than a batch slot.</summary>
    Oversized,
    /// <summary>No free buffer or queue space.</summary>
    NoBuffer,
    /// <summary>The kernel or NIC refused the send.</summary>
    SendFailed,
    /// <summary>Dropped on purpose by the fault-injection decorator.</summary>
    FaultInjected,
    /// <summary>ICE-TCP framing violated (e.g. an oversized length prefix).</summary>
    BadFraming,
    /// <summary>No transport owns this remote address or ufrag.</summary>
    UnknownPeer,
    /// <summary>The <see cref="IPacketReceiver"/> threw while handling the batch; counted per datagram of that batch.</summary>
    ReceiverFault,
}

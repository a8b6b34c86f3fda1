namespace Meet.PacketEngine.Dpdk.Frames;

internal enum FrameKind
{
    /// <summary>A UDP datagram for our address; see <see cref="UdpDatagramInfo"/>.</summary>
    Udp,
    /// <summary>An ARP request asking for our address: answer it.</summary>
    ArpRequest,
    /// <summary>An ARP reply addressed to us (to a request we sent): learn the sender.</summary>
    ArpReply,
    /// <summary>Counted under the returned <see cref="DropReason"/> and dropped.</summary>
    Dropped,
}

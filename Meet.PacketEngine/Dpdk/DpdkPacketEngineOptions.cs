namespace Meet.PacketEngine.Dpdk;

/// <summary>
/// The <c>PacketEngine:Dpdk</c> section. One DPDK port, one rx and one tx queue, one IPv4 address
/// owned by this process (the kernel must not also own it, or both answer ARP).
/// </summary>
public sealed class DpdkPacketEngineOptions
{
    public const string SectionName = "Dpdk";
    public const string KeyPrefix = "PacketEngine:Dpdk:";

    /// <summary>
    /// Arguments for rte_eal_init, one per element, e.g. <c>--no-huge</c>, <c>-m</c>, <c>256</c>,
    /// <c>--vdev=net_ring0</c>. The program name is added in front.
    /// </summary>
    public List<string> EalArgs { get; set; } = [];

    public ushort PortId { get; set; }

    /// <summary>The IPv4 address this engine answers ARP for and binds channels on.</summary>
    public string? LocalIp { get; set; }

    /// <summary>Overrides the port's own MAC address (e.g. for net_null, whose MAC is zero).</summary>
    public string? LocalMac { get; set; }

    /// <summary>Largest IPv4 packet sent or accepted (the link MTU); at most 2000, one mbuf per frame.</summary>
    public int Mtu { get; set; } = 1500;

    public int RxBurst { get; set; } = 32;

    public int RxDescriptors { get; set; } = 1024;

    public int TxDescriptors { get; set; } = 1024;

    /// <summary>mbufs in the pool; a power of two minus one is the most memory-efficient (DPDK ring sizes).</summary>
    public int MbufCount { get; set; } = 8191;

    public int MbufCacheSize { get; set; } = 256;

    /// <summary>Generate UDP checksums on send (RFC 768 makes them optional over IPv4; NICs without offload pay ≈ 20 ns per 1,200 B).</summary>
    public bool UdpChecksum { get; set; } = true;

    /// <summary>
    /// Spin on an idle port (lowest latency, one core at 100%). Off by default: after a short spin
    /// the poll thread yields and then sleeps 1 ms between empty polls.
    /// </summary>
    public bool BusyPoll { get; set; }

    /// <summary>Neighbour (ARP) entries learned from received frames; beyond this, new senders are not learned.</summary>
    public int NeighbourCapacity { get; set; } = 65536;

    /// <summary>Path of libmeet_dpdk.so; by default the one next to Meet.PacketEngine.dll.</summary>
    public string? NativeLibraryPath { get; set; }
}

using System.Buffers.Binary;
using System.Net;
using System.Runtime.InteropServices;
using Meet.PacketEngine.Dpdk.Frames;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Meet.PacketEngine.Dpdk;

/// <summary>
/// The DPDK backend: one port, one rx and one tx queue, one IPv4 address. A single poll thread
/// (registered with the EAL) receives bursts, does Ethernet/IPv4/UDP/ARP itself and hands each
/// channel one batch per burst. Sends come from any thread and are serialised by a lock around the
/// tx burst (DPDK tx queues are single-producer); headers are built and checksummed outside it.
/// </summary>
internal sealed unsafe partial class DpdkPacketEngine : IPacketEngine
{
    private const int TxChunk = 32;
    private const int FirstEphemeralPort = 49152;
    private static readonly Lock PortClaimLock = new();
    private static readonly HashSet<ushort> ClaimedPorts = [];

    private readonly ushort _port;
    private readonly uint _localIp;
    private readonly MacAddress _localMac;
    private readonly int _mtu;
    private readonly int _maxFrame;
    private readonly bool _udpChecksum;
    private readonly bool _busyPoll;
    private readonly int _rxBurst;
    private readonly int _slotSize;
    private readonly int _maxRxFrame;
    private readonly ILogger _logger;
    private readonly NeighbourTable _neighbours;
    private readonly DpdkChannel?[] _channels = new DpdkChannel?[ushort.MaxValue + 1];
    private readonly DpdkChannel?[] _touched;
    // Native arrays the rx burst fills: mbuf handles, their data pointers and frame lengths.
    private readonly nint* _rxMbufs;
    private readonly byte** _rxData;
    private readonly int* _rxLengths;
    private readonly Lock _txLock = new();
    private readonly Lock _bindLock = new();
    private Thread? _pollThread;
    private volatile bool _stopping;
    private bool _closed;
    private int _nextEphemeralPort = FirstEphemeralPort;
    private long _arpRepliesSent;
    private long _arpRequestsSent;
    private uint _lastLearnedIp;
    private MacAddress _lastLearnedMac;
    private uint _lastArpRequestIp;
    private long _lastArpRequestTicks;

    private DpdkPacketEngine(DpdkPacketEngineOptions options, MacAddress localMac, int maxFrame, ILogger logger)
    {
        _port = options.PortId;
        _localIp = BinaryPrimitives.ReadUInt32BigEndian(IPAddress.Parse(options.LocalIp!).GetAddressBytes());
        _localMac = localMac;
        _mtu = options.Mtu;
        _maxFrame = maxFrame;
        _udpChecksum = options.UdpChecksum;
        _busyPoll = options.BusyPoll;
        _rxBurst = options.RxBurst;
        _logger = logger;
        _neighbours = new NeighbourTable(options.NeighbourCapacity);
        // Our own address resolves to us, so a channel can send to itself (net_ring loops it back).
        _neighbours.Learn(_localIp, _localMac);
        _touched = new DpdkChannel?[_rxBurst];
        // Channel batches hold UDP payloads, which are always smaller than the MTU.
        _slotSize = Math.Max(PacketBatch.DefaultSlotSize, _mtu);
        // A full frame of the MTU plus one VLAN tag; longer frames are counted as oversized.
        _maxRxFrame = _mtu + EthernetHeader.Size + 4;
        _rxMbufs = (nint*)NativeMemory.AllocZeroed((nuint)_rxBurst, (nuint)sizeof(nint));
        _rxData = (byte**)NativeMemory.AllocZeroed((nuint)_rxBurst, (nuint)sizeof(nint));
        _rxLengths = (int*)NativeMemory.AllocZeroed((nuint)_rxBurst, sizeof(int));
    }

    public PacketEngineBackend Backend => PacketEngineBackend.Dpdk;

    /// <summary>Frames that reached no channel: malformed, not for us, not UDP, fragments, ARP.</summary>
    public PacketChannelCounters Counters { get; } = new();

    public uint LocalIp => _localIp;

    public MacAddress LocalMac => _localMac;

    public ushort PortId => _port;

    public long ArpRepliesSent => Interlocked.Read(ref _arpRepliesSent);

    public long ArpRequestsSent => Interlocked.Read(ref _arpRequestsSent);

    public NeighbourTable Neighbours => _neighbours;

    /// <summary>
    /// Initialises the EAL if this process has not yet, starts the port and (unless a benchmark
    /// drives <see cref="PollOnce"/> itself) the poll thread. Every failure is a
    /// <see cref="PacketEngineException"/> naming the configuration key.
    /// </summary>
    public static DpdkPacketEngine Start(DpdkPacketEngineOptions options, ILoggerFactory? loggerFactory = null, bool startPollThread = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = DpdkPacketEngineOptionsValidator.GetErrors(options);
        if (errors.Count > 0)
            throw new PacketEngineException(string.Join(" ", errors));
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<DpdkPacketEngine>();
        DpdkEal.EnsureInitialized(options);

        const string prefix = DpdkPacketEngineOptions.KeyPrefix;
        var portCount = Native.PortCount();
        if (options.PortId >= portCount)
            throw new PacketEngineException(
                $"{prefix}PortId is {options.PortId} but the EAL found {portCount} port(s); check the --vdev or PCI arguments in " +
                $"{prefix}EalArgs (a --vdev that fails to probe does not fail rte_eal_init).");
        lock (PortClaimLock)
        {
            if (!ClaimedPorts.Add(options.PortId))
                throw new PacketEngineException($"{prefix}PortId {options.PortId} is already used by another engine in this process.");
        }
        try
        {
            var mac = stackalloc byte[MacAddress.Size];
            var rc = Native.PortStart(options.PortId, (ushort)options.RxDescriptors, (ushort)options.TxDescriptors,
                (uint)options.MbufCount, (uint)options.MbufCacheSize, mac);
            if (rc < 0)
                throw new PacketEngineException(
                    $"{prefix}PortId {options.PortId} ({DpdkEal.GetDriverName(options.PortId)}) could not be started: {Native.DescribeError(rc)}.");
            var localMac = options.LocalMac is { } text && MacAddress.TryParse(text, out var configured)
                ? configured
                : MacAddress.Read(new ReadOnlySpan<byte>(mac, MacAddress.Size));
            var engine = new DpdkPacketEngine(options, localMac, Native.MaxFrame(options.PortId), logger);
            DpdkLog.PortStarted(logger, options.PortId, DpdkEal.GetDriverName(options.PortId), options.LocalIp!, localMac.ToString(), options.RxBurst);
            if (startPollThread)
                engine.StartPolling();
            return engine;
        }
        catch
        {
            lock (PortClaimLock)
                ClaimedPorts.Remove(options.PortId);
            throw;
        }
    }

    public IPacketChannel Bind(PacketAddress localAddress, PacketProtocol protocol, IPacketReceiver receiver)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        if (protocol != PacketProtocol.Udp)
            throw new PacketEngineException(
                $"PacketEngine:Backend=Dpdk carries UDP only; {protocol} needs the kernel's TCP (PacketEngine:Backend=Sockets).");
        var any = localAddress.IsIPv4 ? localAddress.IPv4HostOrder == 0 : localAddress.ToEndPoint().Address.Equals(IPAddress.IPv6Any);
        if (!any && !(localAddress.IsIPv4 && localAddress.IPv4HostOrder == _localIp))
            throw new PacketEngineException(
                $"{DpdkPacketEngineOptions.KeyPrefix}LocalIp is {PacketAddress.FromIPv4(_localIp, 0).ToEndPoint().Address}; cannot bind {localAddress}.");
        lock (_bindLock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            var port = localAddress.Port != 0 ? localAddress.Port : FindFreePort();
            if (_channels[port] is not null)
                throw new PacketEngineException($"UDP port {port} is already bound on the DPDK engine.");
            var channel = new DpdkChannel(this, PacketAddress.FromIPv4(_localIp, port), receiver, _rxBurst, _slotSize);
            Volatile.Write(ref _channels[port], channel);
            return channel;
        }
    }

    private ushort FindFreePort()
    {
        for (var tries = 0; tries < ushort.MaxValue - FirstEphemeralPort + 1; tries++)
        {
            var port = _nextEphemeralPort;
            _nextEphemeralPort = port == ushort.MaxValue ? FirstEphemeralPort : port + 1;
            if (_channels[port] is null)
                return (ushort)port;
        }
        throw new PacketEngineException("No free UDP port left in the ephemeral range on the DPDK engine.");
    }

    internal void Unbind(DpdkChannel channel)
    {
        lock (_bindLock)
            Interlocked.CompareExchange(ref _channels[channel.LocalAddress.Port], null, channel);
    }

    /// <summary>The port's own counters: ipackets, opackets, ibytes, obytes, imissed, ierrors, oerrors, rx_nombuf.</summary>
    internal ulong[] GetPortStats()
    {
        var stats = new ulong[8];
        fixed (ulong* s = stats)
            Native.PortStats(_port, s);
        return stats;
    }

    public ValueTask DisposeAsync()
    {
        lock (_bindLock)
        {
            if (_closed)
                return ValueTask.CompletedTask;
        }
        _stopping = true;
        // A receiver may dispose the engine from its callback, i.e. on the poll thread itself.
        if (_pollThread is not null && _pollThread != Thread.CurrentThread)
            _pollThread.Join();
        lock (_bindLock)
        lock (_txLock)
        {
            _closed = true;
            Native.PortClose(_port);
        }
        NativeMemory.Free(_rxMbufs);
        NativeMemory.Free(_rxData);
        NativeMemory.Free(_rxLengths);
        lock (PortClaimLock)
            ClaimedPorts.Remove(_port);
        DpdkLog.PortStopped(_logger, _port);
        return ValueTask.CompletedTask;
    }
}

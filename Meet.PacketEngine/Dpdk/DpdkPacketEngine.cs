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
internal sealed unsafe class DpdkPacketEngine : IPacketEngine
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

    private void StartPolling()
    {
        _pollThread = new Thread(PollLoop) { IsBackground = true, Name = $"dpdk-poll-{_port}" };
        _pollThread.Start();
    }

    private void PollLoop()
    {
        var lcore = Native.ThreadRegister();
        if (lcore < 0)
            DpdkLog.ThreadRegisterFailed(_logger, Native.DescribeError(lcore));
        try
        {
            var idle = 0;
            while (!_stopping)
            {
                if (PollOnce() > 0)
                {
                    idle = 0;
                    continue;
                }
                if (_busyPoll)
                    continue;
                // Idle back-off: a short spin keeps bursts cheap, then give the core away.
                idle++;
                if (idle < 64)
                    Thread.SpinWait(20);
                else if (idle < 1024)
                    Thread.Yield();
                else
                    Thread.Sleep(1);
            }
        }
        finally
        {
            if (lcore >= 0)
                Native.ThreadUnregister();
        }
    }

    /// <summary>
    /// One rx burst: classify every frame in place in its mbuf, copy UDP payloads straight into the
    /// owning channel's batch (the only copy), release the mbufs, then deliver one batch per
    /// channel. Poll thread only.
    /// </summary>
    internal int PollOnce()
    {
        var received = Native.RxPeek(_port, 0, _rxMbufs, _rxData, _rxLengths, (ushort)_rxBurst);
        if (received <= 0)
            return 0;
        var touchedCount = 0;
        long frameBytes = 0;
        for (var i = 0; i < received; i++)
        {
            var length = _rxLengths[i];
            frameBytes += Math.Abs(length);
            // Longer than the MTU allows (or spread over several mbufs): e.g. af_packet hands over
            // datagrams the kernel reassembled, as DPDK's af_packet PMD sets PACKET_FANOUT_FLAG_DEFRAG.
            if ((uint)length > (uint)_maxRxFrame)
            {
                Counters.AddDrop(DropReason.Oversized);
                continue;
            }
            var frame = new ReadOnlySpan<byte>(_rxData[i], length);
            switch (FrameReader.Read(frame, _localMac, _localIp, out var datagram, out var arp, out var reason))
            {
                case FrameKind.Udp:
                    Learn(datagram.SourceIp, datagram.SourceMac);
                    var channel = Volatile.Read(ref _channels[datagram.DestinationPort]);
                    if (channel is null)
                    {
                        Counters.AddDrop(DropReason.NotForUs);
                        break;
                    }
                    var pending = channel.Pending;
                    if (pending.Count == 0)
                        _touched[touchedCount++] = channel;
                    if (!pending.TryAdd(frame.Slice(datagram.PayloadOffset, datagram.PayloadLength), PacketAddress.FromIPv4(datagram.SourceIp, datagram.SourcePort)))
                        channel.Counters.AddDrop(DropReason.Oversized);
                    break;
                case FrameKind.ArpRequest:
                    Learn(arp.SenderIp, arp.SenderMac);
                    SendArp(new ArpPacket(ArpPacket.OperationReply, _localMac, _localIp, arp.SenderMac, arp.SenderIp), arp.SenderMac);
                    Interlocked.Increment(ref _arpRepliesSent);
                    break;
                case FrameKind.ArpReply:
                    Learn(arp.SenderIp, arp.SenderMac);
                    break;
                default:
                    Counters.AddDrop(reason);
                    break;
            }
        }
        Native.RxRelease(_rxMbufs, (ushort)received);
        Counters.AddReceived(received, frameBytes);
        for (var t = 0; t < touchedCount; t++)
        {
            var channel = _touched[t]!;
            _touched[t] = null;
            Deliver(channel);
        }
        return received;
    }

    private void Deliver(DpdkChannel channel)
    {
        var batch = channel.Pending;
        long bytes = 0;
        var lengths = batch.Lengths;
        for (var i = 0; i < batch.Count; i++)
            bytes += lengths[i];
        channel.Counters.AddReceived(batch.Count, bytes);
        try
        {
            channel.Receiver.OnReceived(channel, batch);
        }
        catch (Exception e)
        {
            // The contract says receivers must not throw; one that does loses its batch, not the engine.
            DpdkLog.ReceiverThrew(_logger, e, channel.LocalAddress);
        }
        finally
        {
            batch.Clear();
        }
    }

    private void Learn(uint ip, MacAddress mac)
    {
        // Most bursts come from few peers: skip the table when the sender is the last one learned.
        if (ip == _lastLearnedIp && mac == _lastLearnedMac)
            return;
        _neighbours.Learn(ip, mac);
        _lastLearnedIp = ip;
        _lastLearnedMac = mac;
    }

    internal int Send(DpdkChannel channel, PacketBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var total = batch.Count;
        if (total == 0)
            return 0;
        var headers = stackalloc byte[TxChunk * FrameWriter.UdpHeadersSize];
        var payloads = stackalloc byte*[TxChunk];
        var lengths = stackalloc int[TxChunk];
        var counters = channel.Counters;
        var sourcePort = channel.LocalAddress.Port;
        var sent = 0;
        long sentBytes = 0;
        // An SFU sends runs of packets to one subscriber: resolve each destination once per run.
        uint lastIp = 0;
        var lastMac = default(MacAddress);
        var haveLast = false;
        for (var start = 0; start < total; start += TxChunk)
        {
            var end = Math.Min(start + TxChunk, total);
            var count = 0;
            for (var i = start; i < end; i++)
            {
                var payload = batch[i];
                var destination = batch.GetAddress(i);
                if (!destination.IsIPv4)
                {
                    counters.AddDrop(DropReason.SendFailed);
                    continue;
                }
                if (payload.Length + Ipv4Header.MinimumSize + UdpHeader.Size > _mtu || payload.Length + FrameWriter.UdpHeadersSize > _maxFrame)
                {
                    counters.AddDrop(DropReason.Oversized);
                    continue;
                }
                var ip = destination.IPv4HostOrder;
                if (!haveLast || ip != lastIp)
                {
                    if (!_neighbours.TryGet(ip, out lastMac))
                    {
                        haveLast = false;
                        counters.AddDrop(DropReason.UnknownPeer);
                        RequestNeighbour(ip);
                        continue;
                    }
                    lastIp = ip;
                    haveLast = true;
                }
                var mac = lastMac;
                FrameWriter.TryWriteUdpHeaders(
                    new Span<byte>(headers + count * FrameWriter.UdpHeadersSize, FrameWriter.UdpHeadersSize),
                    _localMac, mac, _localIp, sourcePort, destination.IPv4HostOrder, destination.Port,
                    payload, _udpChecksum, out _);
                payloads[count] = batch.GetSlotPointer(i);
                lengths[count] = payload.Length;
                count++;
            }
            if (count == 0)
                continue;
            var accepted = Transmit(headers, FrameWriter.UdpHeadersSize, payloads, lengths, count);
            for (var i = 0; i < accepted; i++)
                sentBytes += lengths[i];
            sent += accepted;
            if (accepted < count)
                counters.AddDrop(accepted < 0 ? DropReason.NoBuffer : DropReason.SendFailed, count - Math.Max(accepted, 0));
        }
        if (sent > 0)
            counters.AddSent(sent, sentBytes);
        return sent;
    }

    /// <returns>Frames the driver took, or a negative errno when none could be built.</returns>
    private int Transmit(byte* headers, int headerLength, byte** payloads, int* lengths, int count)
    {
        lock (_txLock)
        {
            if (_closed)
                return 0;
            var rc = Native.TxBurst(_port, 0, headers, (uint)headerLength, payloads, lengths, (ushort)count);
            return rc;
        }
    }

    /// <summary>Sends one complete Ethernet frame as given (tests inject malformed frames with it).</summary>
    internal bool SendRawFrame(ReadOnlySpan<byte> frame)
    {
        fixed (byte* data = frame)
        {
            var length = frame.Length;
            var payload = data;
            return Transmit(null, 0, &payload, &length, 1) == 1;
        }
    }

    private void SendArp(in ArpPacket arp, MacAddress ethernetDestination)
    {
        Span<byte> frame = stackalloc byte[FrameWriter.ArpFrameSize];
        FrameWriter.TryWriteArp(frame, ethernetDestination, arp, out _);
        SendRawFrame(frame);
    }

    // At most one request per address per second, so a burst of sends to an unresolved peer does
    // not become a broadcast storm; the sends themselves are dropped as UnknownPeer meanwhile.
    private void RequestNeighbour(uint ip)
    {
        var now = Environment.TickCount64;
        lock (_txLock)
        {
            if (ip == _lastArpRequestIp && now - _lastArpRequestTicks < 1000)
                return;
            _lastArpRequestIp = ip;
            _lastArpRequestTicks = now;
        }
        SendArp(new ArpPacket(ArpPacket.OperationRequest, _localMac, _localIp, default, ip), MacAddress.Broadcast);
        Interlocked.Increment(ref _arpRequestsSent);
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
        _pollThread?.Join();
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

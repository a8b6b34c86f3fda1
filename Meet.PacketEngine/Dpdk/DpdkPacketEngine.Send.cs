using Meet.PacketEngine.Dpdk.Frames;

namespace Meet.PacketEngine.Dpdk;

// Sending from any thread: headers built outside the tx lock, one tx burst per 32 datagrams.
internal sealed unsafe partial class DpdkPacketEngine
{
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
}

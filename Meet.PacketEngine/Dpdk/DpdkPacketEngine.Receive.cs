using Meet.PacketEngine.Dpdk.Frames;

namespace Meet.PacketEngine.Dpdk;

// The poll thread: rx bursts, frame classification, ARP answers, one delivery per channel per burst.
internal sealed unsafe partial class DpdkPacketEngine
{
    private void StartPolling()
    {
        _pollThread = new Thread(PollLoop) { IsBackground = true, Name = $"dpdk-poll-{_port}" };
        _pollThread.Start();
    }

    private void PollLoop()
    {
        var lcore = Native.ThreadRegister();
        Volatile.Write(ref _pollThreadLcore, lcore);
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
        // The burst's arrival for every datagram in it (PacketBatch.GetReceiveTimestamp): the poll's clock
        // right after the rx burst, as this engine has no kernel receive time.
        var arrival = System.Diagnostics.Stopwatch.GetTimestamp();
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
            switch (FrameReader.Read(frame, _localMac, _localIp, out var datagram, out var arp, out var reason, verifyUdpChecksum: false))
            {
                case FrameKind.Udp:
                    Learn(datagram.SourceIp, datagram.SourceMac);
                    var channel = Volatile.Read(ref _channels[datagram.DestinationPort]);
                    if (channel is null)
                    {
                        Counters.AddDrop(DropReason.NotForUs);
                        break;
                    }
                    Accept(channel, frame, datagram, arrival, ref touchedCount);
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

    // Copies the payload into the channel's batch, verifying a non-zero UDP checksum in the same
    // pass (the one read of the payload on the receive path).
    private void Accept(DpdkChannel channel, ReadOnlySpan<byte> frame, in UdpDatagramInfo datagram, long arrival, ref int touchedCount)
    {
        var pending = channel.Pending;
        var slot = pending.GetNextSlot();
        if (datagram.PayloadLength > slot.Length)
        {
            channel.Counters.AddDrop(DropReason.Oversized);
            return;
        }
        var payload = frame.Slice(datagram.PayloadOffset, datagram.PayloadLength);
        if (datagram.ChecksumVerified)
        {
            payload.CopyTo(slot);
        }
        else
        {
            var udp = frame.Slice(datagram.PayloadOffset - UdpHeader.Size, UdpHeader.Size);
            var sum = InternetChecksum.PseudoHeader(datagram.SourceIp, _localIp, Ipv4Header.ProtocolUdp, (ushort)(UdpHeader.Size + datagram.PayloadLength));
            sum = InternetChecksum.AccumulateAndCopy(payload, slot, InternetChecksum.Accumulate(udp, sum));
            if (InternetChecksum.Finish(sum) != 0)
            {
                Counters.AddDrop(DropReason.BadUdpChecksum);
                return;
            }
        }
        if (pending.Count == 0)
            _touched[touchedCount++] = channel;
        pending.Commit(datagram.PayloadLength, PacketAddress.FromIPv4(datagram.SourceIp, datagram.SourcePort), arrival);
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
}

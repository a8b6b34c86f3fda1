using System.Collections.Concurrent;
using Meet.Modules.Media.Protocols.Srtp.Crypto;
using Meet.PacketEngine;

namespace Meet.Modules.Media.Transport;

// Outgoing datagrams are gathered in a per-thread batch (receive loops, the DTLS threads and the RTCP
// timer each get their own), written straight into its slots and handed to the engine in one Send:
// nothing is allocated per packet and no lock is shared between threads.
// The thread's batch is shared by every MediaSender in the process (two hosts embedded in one process,
// or a test run), so it remembers which sender filled it: another sender writing on the same thread
// first sends what is there through its owner's channel, and a sender never flushes a batch it does not
// own. Before, one host's packets could leave through another host's socket and never reach the peer.
// ICE-TCP (issue 12): peers that reached us over the TCP listener are listed in _tcpPeers, and a
// batch naming any of them is split between the two channels. With no TCP peer at all (the usual
// case) Flush is one volatile read more than before.
// UDP GSO (issue 14): a flushed batch is grouped by destination (DestinationGrouper) so a subscriber's
// packets leave together, and a thread that fans out more than a batch holds between two flushes
// grows its batch (doubling, up to MaxBatchCapacity) instead of flushing early. Grouping only sets the
// batch's send order, which the sockets engine follows: no payload is copied: a frame's packets to
// all its subscribers then sit in one batch, and each subscriber gets them in one GSO send. Growth
// happens the first few times a thread fans out widely, never per packet afterwards.
// Multi-buffer SRTP (issue 14): forwarded RTP is written into its slot and committed with its final
// length, but its AES-GCM encryption is left to the thread's AesNiGcmBatch, which encrypts four
// subscribers' packets together; the batch runs before the slots are read (Flush, Grow) and whenever it
// fills. A short packet costs about half as much encrypted that way (docs/protocols-srtp.md).
internal sealed class MediaSender
{
    private const int BatchCapacity = 64;

    // Default of Media:SendBatchLimit: 1,024 slots of 2 KiB (2 MiB, twice over with the grouped copy)
    // on the few threads that fan out widely — the receive loops.
    public const int DefaultMaxBatchCapacity = 1024;

    [ThreadStatic]
    private static PacketBatch? t_batch;

    [ThreadStatic]
    private static MediaSender? t_owner;

    [ThreadStatic]
    private static PacketBatch? t_udpPart;

    [ThreadStatic]
    private static PacketBatch? t_tcpPart;

    [ThreadStatic]
    private static DestinationGrouper? t_grouper;

    [ThreadStatic]
    private static AesNiGcmBatch? t_srtpBatch;

    [ThreadStatic]
    private static long t_arrival;

    private readonly MediaCounters _counters;
    private readonly ConcurrentDictionary<PacketAddress, byte> _tcpPeers = new();
    private IPacketChannel? _channel;
    private IPacketChannel? _tcpChannel;
    private int _tcpPeerCount;

    public MediaSender(MediaCounters counters) => _counters = counters;

    public MediaCounters Counters => _counters;

    public IPacketChannel? Channel
    {
        get => Volatile.Read(ref _channel);
        set => Volatile.Write(ref _channel, value);
    }

    // The ICE-TCP listener on the media port (RFC 6544 passive), when bound.
    public IPacketChannel? TcpChannel
    {
        get => Volatile.Read(ref _tcpChannel);
        set => Volatile.Write(ref _tcpChannel, value);
    }

    public int TcpPeerCount => Volatile.Read(ref _tcpPeerCount);

    // Media:GroupSendsByDestination: group each flushed batch by destination (for GSO). Set at start.
    public bool GroupByDestination { get; set; } = true;

    // Media:SendBatchLimit: the most datagrams one thread holds before it must flush (at least 64).
    public int MaxBatchCapacity { get; set; } = DefaultMaxBatchCapacity;

    // Media:BatchSrtp: leave forwarded packets' SRTP encryption to the thread's multi-buffer batch. Set at start.
    public bool BatchSrtp { get; set; } = true;

    // The thread's multi-buffer SRTP batch for protect calls whose slot came from GetSlotMemory, or null
    // when batching is off or the CPU lacks what it needs (then protect encrypts at once).
    public AesNiGcmBatch? SrtpBatch => BatchSrtp && AesNiGcmBatch.IsSupported ? t_srtpBatch ??= new AesNiGcmBatch() : null;

    // Issue 14: the engine's arrival time (Stopwatch ticks) of the packet this thread is handling, set around
    // its handling (WebRtcTransport.HandleSrtp); what is committed meanwhile carries it, and Flush records each
    // such datagram's time in the server (MediaCounters.ForwardingLatency). 0: not handling one.
    public static long Arrival
    {
        get => t_arrival;
        set => t_arrival = value;
    }

    public void AddTcpPeer(in PacketAddress address)
    {
        if (_tcpPeers.TryAdd(address, 0))
            Interlocked.Increment(ref _tcpPeerCount);
    }

    public void RemoveTcpPeer(in PacketAddress address)
    {
        if (_tcpPeers.TryRemove(address, out _))
            Interlocked.Decrement(ref _tcpPeerCount);
    }

    public bool IsTcpPeer(in PacketAddress address) => Volatile.Read(ref _tcpPeerCount) > 0 && _tcpPeers.ContainsKey(address);

    // This thread's batch, made this sender's: what another sender left in it leaves through that sender.
    private PacketBatch OwnBatch()
    {
        var batch = t_batch ??= new PacketBatch(BatchCapacity);
        var owner = t_owner;
        if (!ReferenceEquals(owner, this))
        {
            owner?.Flush();
            t_owner = this;
        }
        return batch;
    }

    // A slot to write one datagram into; Commit adds it to the batch. Flushes first when full.
    public Span<byte> GetSlot() => ReadyBatch().GetNextSlot();

    // The same slot as Memory, for a protect left to SrtpBatch (finished in place before the slot is read).
    public Memory<byte> GetSlotMemory() => ReadyBatch().GetNextSlotMemory();

    // This thread's batch, owned by this sender, with a free slot.
    private PacketBatch ReadyBatch()
    {
        var batch = OwnBatch();
        // The thread's batch may be larger than this sender holds (another sender, or a setting changed,
        // grew it): what this sender holds is bounded by its own limit, not by the batch's size.
        var limit = GroupByDestination ? MaxBatchCapacity : BatchCapacity;
        if (batch.Count >= Math.Min(batch.Capacity, limit))
        {
            if (batch.Capacity < limit)
                batch = Grow(batch);
            else
                Flush();
        }
        return batch;
    }

    // The thread's batch, twice as large (at most MaxBatchCapacity), holding what it held.
    private PacketBatch Grow(PacketBatch batch)
    {
        // The slots are copied: what the SRTP batch still has to encrypt in them must be final first.
        t_srtpBatch?.EncryptAll();
        var larger = new PacketBatch(Math.Min(MaxBatchCapacity, batch.Capacity * 2));
        for (var i = 0; i < batch.Count; i++)
            larger.TryAdd(batch[i], batch.GetAddress(i), batch.GetReceiveTimestamp(i));
        t_batch = larger;
        return larger;
    }

    public void Commit(int length, in PacketAddress destination) => OwnBatch().Commit(length, destination, t_arrival);

    public void SendNow(ReadOnlySpan<byte> datagram, in PacketAddress destination)
    {
        var slot = GetSlot();
        if (datagram.Length > slot.Length)
        {
            _counters.Drop(MediaDropReason.SendBufferFull);
            return;
        }
        datagram.CopyTo(slot);
        Commit(datagram.Length, destination);
        Flush();
    }

    public void Flush()
    {
        var batch = t_batch;
        if (batch is null || batch.Count == 0 || !ReferenceEquals(t_owner, this))
            return;
        t_srtpBatch?.EncryptAll();
        var channel = Channel;
        var tcp = TcpChannel;
        if (GroupByDestination && batch.Count > 1)
            (t_grouper ??= new DestinationGrouper()).TryGroup(batch);
        if (tcp is not null && Volatile.Read(ref _tcpPeerCount) > 0)
            SendSplit(batch, channel, tcp);
        else if (channel is not null)
            channel.Send(batch);
        _counters.RecordSent(batch, System.Diagnostics.Stopwatch.GetTimestamp());
        batch.Clear();
    }

    private void SendSplit(PacketBatch batch, IPacketChannel? udp, IPacketChannel tcp)
    {
        var udpPart = t_udpPart is { } u && u.Capacity >= batch.Capacity ? u : t_udpPart = new PacketBatch(batch.Capacity);
        var tcpPart = t_tcpPart is { } t && t.Capacity >= batch.Capacity ? t : t_tcpPart = new PacketBatch(batch.Capacity);
        for (var position = 0; position < batch.Count; position++)
        {
            var i = batch.SendIndex(position);
            var destination = batch.GetAddress(i);
            (_tcpPeers.ContainsKey(destination) ? tcpPart : udpPart).TryAdd(batch[i], destination);
        }
        if (tcpPart.Count > 0)
            tcp.Send(tcpPart);
        if (udpPart.Count > 0 && udp is not null)
            udp.Send(udpPart);
        udpPart.Clear();
        tcpPart.Clear();
    }
}

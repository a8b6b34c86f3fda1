namespace Meet.PacketEngine;

/// <summary>
/// Per-channel traffic counters. Increments are atomic so several receive loops and senders can
/// share one channel; reads are snapshots good enough for metrics and tests.
/// </summary>
public sealed class PacketChannelCounters
{
    private static readonly int DropReasonCount = Enum.GetValues<DropReason>().Length;

    private long _packetsIn;
    private long _bytesIn;
    private long _packetsOut;
    private long _bytesOut;
    private long _batchesIn;
    private long _batchesOut;
    private long _sendMessages;
    private readonly long[] _drops = new long[DropReasonCount];

    public long PacketsIn => Interlocked.Read(ref _packetsIn);

    public long BytesIn => Interlocked.Read(ref _bytesIn);

    public long PacketsOut => Interlocked.Read(ref _packetsOut);

    public long BytesOut => Interlocked.Read(ref _bytesOut);

    // Receive and send calls that carried at least one datagram: packets ÷ batches is the mean batch size.
    public long BatchesIn => Interlocked.Read(ref _batchesIn);

    public long BatchesOut => Interlocked.Read(ref _batchesOut);

    // Datagram messages handed to the kernel (sockets engine): a UDP GSO message carrying several
    // datagrams counts once, so packets out ÷ messages is the mean GSO segment count.
    public long SendMessages => Interlocked.Read(ref _sendMessages);

    public void AddSendMessages(long messages) => Interlocked.Add(ref _sendMessages, messages);

    public long Dropped(DropReason reason) => Interlocked.Read(ref _drops[(int)reason]);

    public long TotalDropped
    {
        get
        {
            long sum = 0;
            for (var i = 0; i < _drops.Length; i++)
                sum += Interlocked.Read(ref _drops[i]);
            return sum;
        }
    }

    public void AddReceived(long packets, long bytes)
    {
        Interlocked.Add(ref _packetsIn, packets);
        Interlocked.Add(ref _bytesIn, bytes);
        if (packets > 0)
            Interlocked.Increment(ref _batchesIn);
    }

    public void AddSent(long packets, long bytes)
    {
        Interlocked.Add(ref _packetsOut, packets);
        Interlocked.Add(ref _bytesOut, bytes);
        if (packets > 0)
            Interlocked.Increment(ref _batchesOut);
    }

    public void AddDrop(DropReason reason, long count = 1) => Interlocked.Add(ref _drops[(int)reason], count);
}

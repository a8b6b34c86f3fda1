using Meet.PacketEngine;

namespace Meet.Modules.Media.Transport;

// Outgoing datagrams are gathered in a per-thread batch (receive loops, the DTLS threads and the RTCP
// timer each get their own), written straight into its slots and handed to the engine in one Send:
// nothing is allocated per packet and no lock is shared between threads.
internal sealed class MediaSender
{
    private const int BatchCapacity = 64;

    [ThreadStatic]
    private static PacketBatch? t_batch;

    private readonly MediaCounters _counters;
    private IPacketChannel? _channel;

    public MediaSender(MediaCounters counters) => _counters = counters;

    public MediaCounters Counters => _counters;

    public IPacketChannel? Channel
    {
        get => Volatile.Read(ref _channel);
        set => Volatile.Write(ref _channel, value);
    }

    private static PacketBatch Batch => t_batch ??= new PacketBatch(BatchCapacity);

    // A slot to write one datagram into; Commit adds it to the batch. Flushes first when full.
    public Span<byte> GetSlot()
    {
        var batch = Batch;
        if (batch.IsFull)
            Flush();
        return batch.GetNextSlot();
    }

    public void Commit(int length, in PacketAddress destination) => Batch.Commit(length, destination);

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
        if (batch is null || batch.Count == 0)
            return;
        var channel = Channel;
        if (channel is not null)
            channel.Send(batch);
        batch.Clear();
    }
}

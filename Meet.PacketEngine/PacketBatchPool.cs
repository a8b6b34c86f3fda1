using System.Collections.Concurrent;

namespace Meet.PacketEngine;

/// <summary>
/// A bounded pool of <see cref="PacketBatch"/>es. Batches are created up to <see cref="MaxBatches"/>
/// and then only reused; when all are out, <see cref="TryRent"/> fails and the caller counts a drop
/// instead of allocating under load.
/// </summary>
public sealed class PacketBatchPool
{
    private readonly ConcurrentBag<PacketBatch> _free = new();
    private int _created;
    private long _rentFailures;

    public PacketBatchPool(int batchCapacity, int maxBatches, int slotSize = PacketBatch.DefaultSlotSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatches, 1);
        BatchCapacity = batchCapacity;
        SlotSize = slotSize;
        MaxBatches = maxBatches;
    }

    public int BatchCapacity { get; }

    public int SlotSize { get; }

    public int MaxBatches { get; }

    public int Created => Volatile.Read(ref _created);

    public int Available => _free.Count;

    public long RentFailures => Interlocked.Read(ref _rentFailures);

    public bool TryRent(out PacketBatch batch)
    {
        if (_free.TryTake(out batch!))
        {
            batch.Clear();
            return true;
        }
        if (Interlocked.Increment(ref _created) <= MaxBatches)
        {
            batch = new PacketBatch(BatchCapacity, SlotSize);
            return true;
        }
        Interlocked.Decrement(ref _created);
        Interlocked.Increment(ref _rentFailures);
        batch = null!;
        return false;
    }

    public void Return(PacketBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        batch.Clear();
        _free.Add(batch);
    }
}

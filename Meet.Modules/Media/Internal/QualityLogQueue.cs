using System.Collections.Concurrent;
using Meet.Modules.Storage;

namespace Meet.Modules.Media.Internal;

// Issue 11: quality events wait here, off the packet path, for QualityLogWriter to store them in
// batches. Bounded: when storage is slow or down, events beyond the bound are counted and dropped —
// the call never waits for the database.
internal sealed class QualityLogQueue
{
    public const int Capacity = 10_000;

    private readonly ConcurrentQueue<ParticipantQualityLog> _queue = new();
    private int _count;
    private long _enqueued;
    private long _dropped;
    private long _written;
    private long _failed;

    public long Enqueued => Interlocked.Read(ref _enqueued);

    public long Dropped => Interlocked.Read(ref _dropped);

    public long Written => Interlocked.Read(ref _written);

    // Rows of batches the database refused (logged by the writer, then dropped).
    public long Failed => Interlocked.Read(ref _failed);

    public int Count => Volatile.Read(ref _count);

    public void Add(ParticipantQualityLog log)
    {
        if (Interlocked.Increment(ref _count) > Capacity)
        {
            Interlocked.Decrement(ref _count);
            Interlocked.Increment(ref _dropped);
            return;
        }
        _queue.Enqueue(log);
        Interlocked.Increment(ref _enqueued);
    }

    public List<ParticipantQualityLog> Take(int max)
    {
        var batch = new List<ParticipantQualityLog>(Math.Min(max, Count));
        while (batch.Count < max && _queue.TryDequeue(out var log))
        {
            Interlocked.Decrement(ref _count);
            batch.Add(log);
        }
        return batch;
    }

    public void OnWritten(int rows) => Interlocked.Add(ref _written, rows);

    public void OnFailed(int rows) => Interlocked.Add(ref _failed, rows);
}

namespace Meet.Modules.Media.Internal;

// Lets a periodic callback run at most once at a time. A timer fires on the thread pool whether or not
// its previous callback finished; on a loaded machine the selection tick (every 50 ms) can outlast its
// interval, and overlapping ticks would only redo the same work behind the same router locks, making the
// overload worse. A tick that finds the previous one still running is skipped and counted instead.
internal sealed class TickGate
{
    private int _running;
    private long _skipped;

    public long Skipped => Interlocked.Read(ref _skipped);

    public bool TryEnter()
    {
        if (Interlocked.Exchange(ref _running, 1) == 0)
            return true;
        Interlocked.Increment(ref _skipped);
        return false;
    }

    public void Exit() => Volatile.Write(ref _running, 0);
}

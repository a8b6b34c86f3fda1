namespace Meet.Tests.PacketEngine.FaultInjection;

// A clock that only moves when told, firing due timers on the calling thread: long simulated runs
// take milliseconds and every timestamp is exact.
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly List<ManualTimer> _timers = [];
    private long _microseconds;

    public override long TimestampFrequency => 1_000_000;

    public override long GetTimestamp() => Interlocked.Read(ref _microseconds);

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch.AddTicks(GetTimestamp() * 10);

    public double ElapsedMs => GetTimestamp() / 1000.0;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        lock (_timers)
            _timers.Add(timer);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves time forward in 1 ms steps, running every timer that falls due.</summary>
    public void Advance(TimeSpan by)
    {
        var end = GetTimestamp() + (long)(by.TotalMilliseconds * 1000);
        while (GetTimestamp() < end)
        {
            Interlocked.Exchange(ref _microseconds, Math.Min(end, GetTimestamp() + 1000));
            ManualTimer[] timers;
            lock (_timers)
                timers = [.. _timers];
            foreach (var timer in timers)
                timer.FireIfDue(GetTimestamp());
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private long _due = long.MaxValue;
        private long _period;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            _due = dueTime == Timeout.InfiniteTimeSpan ? long.MaxValue : owner.GetTimestamp() + (long)(dueTime.TotalMilliseconds * 1000);
            _period = period == Timeout.InfiniteTimeSpan ? 0 : (long)(period.TotalMilliseconds * 1000);
            return true;
        }

        public void FireIfDue(long now)
        {
            while (_due <= now)
            {
                _due = _period > 0 ? _due + _period : long.MaxValue;
                callback(state);
            }
        }

        public void Dispose()
        {
            lock (owner._timers)
                owner._timers.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

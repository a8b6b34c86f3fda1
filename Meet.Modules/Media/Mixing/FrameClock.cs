namespace Meet.Modules.Media.Mixing;

// Frame deadlines as start + n × period, never "last wake-up + period", so the mix clock does not drift
// however late each wake-up is (a sender whose clock drifts makes listeners' jitter buffers grow or
// starve). A late wake-up owes the frames it missed, up to MaxCatchUp; beyond that (the process was
// stalled) the clock resynchronises and the owed frames are reported as skipped.
internal struct FrameClock(long start, long period)
{
    public const int MaxCatchUp = 5;

    private long _next = start + period;

    public readonly long NextDeadline => _next;

    // Frames due at `now` (0 = wait until NextDeadline); skipped = frames given up after a stall.
    public int Due(long now, out long skipped)
    {
        skipped = 0;
        if (now < _next)
            return 0;
        var due = (now - _next) / period + 1;
        if (due > MaxCatchUp)
        {
            skipped = due - 1;
            _next += due * period;
            return 1;
        }
        _next += due * period;
        return (int)due;
    }
}

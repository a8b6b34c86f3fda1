namespace Meet.Modules.Media.Bandwidth;

// A token bucket: refills at a rate per second up to a depth, starts full, and a take that does not fit
// takes nothing. Rate and depth come with each take, so a bucket whose rate follows the subscriber's
// estimate needs no update calls. Issue 11 bounds repair traffic with two of them: packets per consumer
// (a NACK flood) and bytes per subscriber (a share of its estimate). Times are ticks of
// `ticksPerSecond`. Not thread-safe: the owner serialises takes.
internal sealed class TokenBucket(long ticksPerSecond)
{
    // NaN until the first take, which finds the bucket full.
    private double _tokens = double.NaN;
    private long _refilled;

    public bool TryTake(double amount, double ratePerSecond, double depth, long now)
    {
        if (double.IsNaN(_tokens))
        {
            _tokens = depth;
            _refilled = now;
        }
        else if (now > _refilled)
        {
            _tokens = Math.Min(depth, _tokens + (now - _refilled) * ratePerSecond / ticksPerSecond);
            _refilled = now;
        }
        if (_tokens < amount)
            return false;
        _tokens -= amount;
        return true;
    }
}

namespace Meet.Modules.Media.Routing;

// How many NACKed packets one consumer may resend (issue 11, bad input: a NACK flood). A NACK is a few
// bytes that ask for up to 17 packets of ~1,200 bytes each: without a bound a subscriber (or anyone
// spoofing its RTCP) turns the SFU into an amplifier and starves the real media. A token bucket of
// retransmissions: 250 a second with a burst of 250 — a 720p stream at 10 % loss needs ~20. What is over
// budget is not resent and is counted; the rest of the stream is untouched. Times in Stopwatch ticks.
internal sealed class RetransmissionBudget(long ticksPerSecond, int perSecond = 250, int burst = 250)
{
    private double _tokens = burst;
    private long _last;

    public bool TryTake(long now)
    {
        if (_last == 0)
            _last = now;
        if (now > _last)
        {
            _tokens = Math.Min(burst, _tokens + (now - _last) * (double)perSecond / ticksPerSecond);
            _last = now;
        }
        if (_tokens < 1)
            return false;
        _tokens--;
        return true;
    }
}

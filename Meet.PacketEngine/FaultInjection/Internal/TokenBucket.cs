namespace Meet.PacketEngine.FaultInjection.Internal;

// A policer like `tc police` / the token bucket of `tc tbf` without its queue: tokens (bytes) refill
// at the configured rate up to the bucket depth, and a datagram passes only if its size is there.
internal sealed class TokenBucket
{
    private readonly double _bytesPerTick;
    private readonly double _depth;
    private double _tokens;
    private long _lastTimestamp;

    public TokenBucket(long bitsPerSecond, int depthBytes, long timestampFrequency, long now)
    {
        _bytesPerTick = bitsPerSecond / 8.0 / timestampFrequency;
        _depth = depthBytes;
        _tokens = depthBytes;
        _lastTimestamp = now;
    }

    public bool TryTake(int bytes, long now)
    {
        if (now > _lastTimestamp)
        {
            _tokens = Math.Min(_depth, _tokens + (now - _lastTimestamp) * _bytesPerTick);
            _lastTimestamp = now;
        }
        if (_tokens < bytes)
            return false;
        _tokens -= bytes;
        return true;
    }
}

using System.Diagnostics;
using Meet.Modules.Media.Protocols.Rtcp;

namespace Meet.Modules.Media.Bandwidth;

// Loss on the publisher's uplink, per received stream: sequence gaps become NACKs towards the publisher
// (RFC 4585 §6.2.1), which answers with RTX (RFC 4588). A missing packet is asked for at once, then
// again after a retry interval (the RTT when known), at most MaxRequests times and never once it is
// older than MaxAge — past that a keyframe is the cheaper repair. Fixed-size state (64 missing packets
// tracked), so a hostile sequence jump cannot grow memory; a jump larger than MaxGap is a stream
// restart, not loss, and is not NACKed.
internal sealed class UpstreamLossDetector
{
    public const int MaxTracked = 64;
    public const int MaxGap = 100;
    public const int MaxRequests = 3;

    private static readonly long MaxAge = Stopwatch.Frequency; // 1 s
    private static readonly long MinRetryInterval = Stopwatch.Frequency * 20 / 1000;

    private readonly Lock _lock = new();
    private readonly ushort[] _missing = new ushort[MaxTracked];
    private readonly long[] _firstSeen = new long[MaxTracked];
    private readonly long[] _lastRequested = new long[MaxTracked];
    private readonly byte[] _requests = new byte[MaxTracked];
    private int _count;
    private ushort _highest;
    private bool _started;

    public long Recovered { get; private set; }

    public long GaveUp { get; private set; }

    public int MissingCount
    {
        get
        {
            lock (_lock)
                return _count;
        }
    }

    // True when this packet revealed a new gap (a NACK is due now).
    public bool OnPacket(ushort sequenceNumber, long now)
    {
        lock (_lock)
        {
            if (!_started)
            {
                _started = true;
                _highest = sequenceNumber;
                return false;
            }
            var delta = (ushort)(sequenceNumber - _highest);
            if (delta == 0)
                return false;
            if (delta >= 0x8000)
            {
                // Older than the highest: a reordered packet or a retransmission filling a gap.
                if (Remove(sequenceNumber))
                    Recovered++;
                return false;
            }
            var gap = delta - 1;
            _highest = sequenceNumber;
            if (gap == 0)
                return false;
            if (gap > MaxGap)
            {
                GaveUp += _count;
                _count = 0;
                return false;
            }
            for (var i = 1; i <= gap; i++)
                Add((ushort)(sequenceNumber - gap - 1 + i), now);
            return true;
        }
    }

    private void Add(ushort sequenceNumber, long now)
    {
        if (_count == MaxTracked)
        {
            // The oldest is the least likely to still be useful.
            RemoveAt(0);
            GaveUp++;
        }
        _missing[_count] = sequenceNumber;
        _firstSeen[_count] = now;
        _lastRequested[_count] = 0;
        _requests[_count] = 0;
        _count++;
    }

    private bool Remove(ushort sequenceNumber)
    {
        for (var i = 0; i < _count; i++)
        {
            if (_missing[i] == sequenceNumber)
            {
                RemoveAt(i);
                return true;
            }
        }
        return false;
    }

    private void RemoveAt(int index)
    {
        var tail = _count - index - 1;
        Array.Copy(_missing, index + 1, _missing, index, tail);
        Array.Copy(_firstSeen, index + 1, _firstSeen, index, tail);
        Array.Copy(_lastRequested, index + 1, _lastRequested, index, tail);
        Array.Copy(_requests, index + 1, _requests, index, tail);
        _count--;
    }

    // Writes a NACK for every missing packet whose request is due; 0 bytes when none is. Expired entries
    // are forgotten here.
    public int WriteNack(uint senderSsrc, uint mediaSsrc, long now, long retryInterval, Span<byte> destination)
    {
        retryInterval = Math.Max(retryInterval, MinRetryInterval);
        Span<ushort> due = stackalloc ushort[MaxTracked];
        var dueCount = 0;
        lock (_lock)
        {
            for (var i = 0; i < _count;)
            {
                if (_requests[i] >= MaxRequests || now - _firstSeen[i] > MaxAge)
                {
                    RemoveAt(i);
                    GaveUp++;
                    continue;
                }
                if (_lastRequested[i] == 0 || now - _lastRequested[i] >= retryInterval)
                {
                    due[dueCount++] = _missing[i];
                    _lastRequested[i] = now;
                    _requests[i]++;
                }
                i++;
            }
        }
        if (dueCount == 0)
            return 0;
        Span<RtcpNackItem> items = stackalloc RtcpNackItem[MaxTracked];
        var itemCount = RtcpNackItem.Build(due[..dueCount], items);
        if (itemCount <= 0)
            return 0;
        var nack = new RtcpNack(senderSsrc, mediaSsrc, items[..itemCount]);
        return nack.TryWrite(destination, out var written) ? written : 0;
    }
}

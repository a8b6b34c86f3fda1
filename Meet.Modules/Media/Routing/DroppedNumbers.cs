namespace Meet.Modules.Media.Routing;

// Source numbers (RTP sequence numbers, VP8 picture ids) a consumer dropped on purpose — temporal-layer
// frames above its target (issue 11) — so that the numbers it sends close the gaps: the receiver must see
// no loss (a gap in sequence numbers is NACKed; a gap in picture ids makes libwebrtc's frame reference
// finder wait for the missing pictures). A packet newer than every drop maps with the consumer's current
// delta; an older one (reordered, or a NACKed retransmission) adds back the drops newer than itself.
// Fixed capacity, allocated on the first drop: a number older than the drops the ring still holds cannot
// be mapped any more (IsBeyondHorizon) and is dropped by the caller. Issue 14: most consumers never drop
// a temporal layer, and two eager rings per consumer were ≈ 20 KiB of every viewer of a large meeting.
internal sealed class DroppedNumbers(int capacity, int mask)
{
    private int[] _ring = [];
    private int _mask = mask;
    private int _count;
    private int _next;
    private int _horizon = -1;

    public int Count => _count;

    // The newest recorded drop; -1 when none.
    public int Newest => _count == 0 ? -1 : _ring[(_next - 1 + _ring.Length) % _ring.Length];

    // mask: the numbers' space (0xFFFF sequence numbers, 0x7FFF or 0x7F picture ids).
    public void Clear(int mask)
    {
        _mask = mask;
        _count = 0;
        _next = 0;
        _horizon = -1;
    }

    // `number` is newer than every recorded drop (the caller checked); the oldest falls out when full.
    public void Add(int number)
    {
        if (_ring.Length == 0)
            _ring = new int[capacity];
        if (_count == _ring.Length)
            _horizon = _ring[_next];
        else
            _count++;
        _ring[_next] = number & _mask;
        _next = (_next + 1) % _ring.Length;
    }

    public bool IsNewer(int a, int b)
    {
        var difference = (a - b) & _mask;
        return difference != 0 && difference <= _mask >> 1;
    }

    // True when `number` is older than (or equal to) a drop that fell out of the ring.
    public bool IsBeyondHorizon(int number) => _horizon >= 0 && !IsNewer(number, _horizon);

    // How many recorded drops are newer than `number`. Newest first: the common case (a packet newer than
    // every drop) costs one comparison.
    public int CountNewerThan(int number)
    {
        var newer = 0;
        for (var i = 1; i <= _count; i++)
        {
            if (!IsNewer(_ring[(_next - i + _ring.Length) % _ring.Length], number))
                break;
            newer++;
        }
        return newer;
    }

    // The source number that went out as `shifted` (= out - current delta): each drop at or above the
    // candidate moved it down by one. Newest drop first; stops at the first drop below the candidate.
    public int Unshift(int shifted)
    {
        var candidate = shifted & _mask;
        for (var i = 1; i <= _count; i++)
        {
            if (IsNewer(candidate, _ring[(_next - i + _ring.Length) % _ring.Length]))
                break;
            candidate = (shifted - i) & _mask;
        }
        return candidate;
    }

    public bool Contains(int number)
    {
        number &= _mask;
        for (var i = 0; i < _count; i++)
        {
            if (_ring[i] == number)
                return true;
        }
        return false;
    }
}

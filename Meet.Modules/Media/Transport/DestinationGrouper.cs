using Meet.PacketEngine;

namespace Meet.Modules.Media.Transport;

// Gives a send batch an order (PacketBatch.SetSendOrder; the payloads stay in their slots) in which
// each destination's datagrams sit next to each other, in the order they were written (stable: a subscriber's packets keep their sequence order, and the first
// destination written goes first). The fan-out writes one incoming packet to every subscriber before
// the next (p1→s1, p1→s2, …, p2→s1, …), so without this no two neighbours share a destination and the
// sockets engine's UDP GSO (consecutive datagrams to one address, equal sizes but the last) never
// applies; grouped, a subscriber's packets of one frame leave in one GSO send.
// One per sending thread (MediaSender's thread-static state); arrays sized once for the largest batch
// the thread has held, so grouping allocates nothing per packet or per flush.
internal sealed class DestinationGrouper
{
    private int[] _next = [];
    private int[] _order = [];
    private int[] _groupHead = [];
    private int[] _groupTail = [];
    private int[] _table = [];
    private int[] _tableStamp = [];
    private int _stamp;

    // Sets the batch's send order grouped by destination. False, leaving the batch as it was, when no
    // destination appears twice (nothing to gain).
    public bool TryGroup(PacketBatch source)
    {
        var count = source.Count;
        if (count < 2)
            return false;
        EnsureCapacity(source.Capacity);
        if (++_stamp == int.MaxValue)
        {
            Array.Clear(_tableStamp);
            _stamp = 1;
        }
        var mask = _table.Length - 1;
        var groups = 0;
        for (var i = 0; i < count; i++)
        {
            var address = source.GetAddress(i);
            var bucket = address.GetHashCode() & mask;
            int group;
            while (true)
            {
                if (_tableStamp[bucket] != _stamp)
                {
                    group = groups++;
                    _tableStamp[bucket] = _stamp;
                    _table[bucket] = group;
                    _groupHead[group] = i;
                    _groupTail[group] = i;
                    break;
                }
                group = _table[bucket];
                if (source.GetAddress(_groupHead[group]) == address)
                {
                    _next[_groupTail[group]] = i;
                    _groupTail[group] = i;
                    break;
                }
                bucket = (bucket + 1) & mask;
            }
            _next[i] = -1;
        }
        if (groups == count)
            return false;
        var position = 0;
        for (var group = 0; group < groups; group++)
        {
            for (var i = _groupHead[group]; i >= 0; i = _next[i])
                _order[position++] = i;
        }
        source.SetSendOrder(_order.AsSpan(0, count));
        return true;
    }

    private void EnsureCapacity(int capacity)
    {
        if (_next.Length >= capacity)
            return;
        _next = new int[capacity];
        _order = new int[capacity];
        _groupHead = new int[capacity];
        _groupTail = new int[capacity];
        // Open addressing at most half full: a power of two at least twice the capacity.
        var tableSize = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity * 2);
        _table = new int[tableSize];
        _tableStamp = new int[tableSize];
        _stamp = 0;
    }
}

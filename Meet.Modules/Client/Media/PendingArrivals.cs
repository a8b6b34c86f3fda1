namespace Meet.Modules.Client.Media;

// Transport-wide arrivals not reported yet, ascending by unwrapped sequence number: nearly always
// appended (packets arrive in order), an out-of-order one inserted in place, a duplicate ignored, and the
// reported prefix removed in one move. Unlike a sorted dictionary it allocates nothing per packet once
// grown: a load generator's thousand subscribers record every packet they receive here.
internal sealed class PendingArrivals(int capacity)
{
    private readonly List<(long Sequence, long Arrival)> _items = new(capacity);

    public int Count => _items.Count;

    public (long Sequence, long Arrival) this[int index] => _items[index];

    public bool TryAdd(long sequence, long arrival)
    {
        var count = _items.Count;
        if (count == 0 || _items[count - 1].Sequence < sequence)
        {
            _items.Add((sequence, arrival));
            return true;
        }
        var index = Find(sequence);
        if (index >= 0)
            return false;
        _items.Insert(~index, (sequence, arrival));
        return true;
    }

    public void RemoveFirst(int count) => _items.RemoveRange(0, count);

    // List.BinarySearch's contract: the index, or the complement of where it would go.
    private int Find(long sequence)
    {
        int low = 0, high = _items.Count - 1;
        while (low <= high)
        {
            var middle = low + (high - low) / 2;
            var value = _items[middle].Sequence;
            if (value == sequence)
                return middle;
            if (value < sequence)
                low = middle + 1;
            else
                high = middle - 1;
        }
        return ~low;
    }
}

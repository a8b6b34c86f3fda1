using System.Collections.Concurrent;
using Meet.PacketEngine.Dpdk.Frames;

namespace Meet.PacketEngine.Dpdk;

/// <summary>
/// IPv4 → MAC, learned from the source of every received UDP frame and ARP packet, so replies go
/// back to whoever sent to us (or to the router that forwarded it) without an ARP round trip.
/// Written by the poll thread, read by senders on any thread. Values are stored as ulong so an
/// update of a known address is one atomic in-place write (ConcurrentDictionary allocates a new
/// node for non-primitive value types).
/// </summary>
internal sealed class NeighbourTable
{
    private readonly ConcurrentDictionary<uint, ulong> _entries = new();
    private readonly int _capacity;
    private int _count;

    public NeighbourTable(int capacity) => _capacity = capacity;

    public int Count => Volatile.Read(ref _count);

    public bool TryGet(uint ip, out MacAddress mac)
    {
        if (_entries.TryGetValue(ip, out var value))
        {
            mac = new MacAddress(value);
            return true;
        }
        mac = default;
        return false;
    }

    /// <summary>
    /// Records <paramref name="mac"/> for <paramref name="ip"/>. A full table keeps its entries
    /// rather than evicting: a flood of spoofed sources must not push out live peers.
    /// </summary>
    public void Learn(uint ip, MacAddress mac)
    {
        if (_entries.TryGetValue(ip, out var known))
        {
            if (known != mac.Value)
                _entries[ip] = mac.Value;
            return;
        }
        if (Volatile.Read(ref _count) >= _capacity)
            return;
        if (_entries.TryAdd(ip, mac.Value))
            Interlocked.Increment(ref _count);
    }
}

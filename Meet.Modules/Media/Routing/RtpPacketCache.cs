using System.Diagnostics;

namespace Meet.Modules.Media.Routing;

// The last packets of one producer layer, by sequence number, for answering NACKs (RFC 4585 §6.2.1)
// with RTX (RFC 4588). SPEC "Loss recovery" asks for the last ~200 ms: packets are stored back to back
// in a byte ring, indexed by sequence number in IndexSlots slots; a packet is found while its slot still
// names it and the ring has not written over its bytes since. Issue 14: the fixed 1,500-byte slot per
// packet cost 768 KiB per layer; then a 256 KiB ring per layer (≈ 800 ms of a 2.5 Mbps layer) was still
// about 100 KiB of every participant's server memory in the 1,000-participant meeting. Now the ring is
// sized by the layer's bitrate: it starts at InitialRingBytes on the layer's first packet (a layer never
// sent costs nothing) and doubles, up to MaxRingBytes, whenever one lap round it took less than
// RetainTicks — so it holds about a second of the layer (a 150 kbps layer stays at 32 KiB).
// Written by the publisher's receive thread, read by subscribers' threads under a short lock; nothing
// is allocated per packet (growing allocates, a few times in a layer's life).
internal sealed class RtpPacketCache
{
    public const int IndexSlots = 512;
    public const int MaxPacketSize = 1500;
    public const int InitialRingBytes = 16 * 1024;
    public const int MaxRingBytes = 256 * 1024;

    // A lap of the ring faster than this grows it.
    public static readonly long RetainTicks = Stopwatch.Frequency;

    private readonly Lock _lock = new();
    private Slot[]? _index;
    private byte[]? _ring;
    // Bytes written since the start, including the tail skipped when a packet would not fit before the
    // ring's end: a packet at absolute offset s is intact while _written - s <= the ring's length and
    // s >= _validFrom (what the ring had already written over when it last grew).
    private long _written;
    private long _validFrom;
    private long _lapStarted;

    private struct Slot
    {
        public long Start;
        public int Length;
        public int Sequence;
    }

    public bool IsAllocated => Volatile.Read(ref _ring) is not null;

    // The ring's size now (0 before the first packet).
    public int RingBytes
    {
        get
        {
            lock (_lock)
                return _ring?.Length ?? 0;
        }
    }

    // now: Stopwatch ticks of the packet's arrival.
    public void Store(ushort sequenceNumber, ReadOnlySpan<byte> packet, long now)
    {
        if (packet.Length > MaxPacketSize)
            return;
        lock (_lock)
        {
            if (_ring is null || _index is null)
                Allocate(now);
            var offset = (int)(_written % _ring.Length);
            if (offset + packet.Length > _ring.Length)
            {
                if (_ring.Length < MaxRingBytes && now - _lapStarted < RetainTicks)
                {
                    Grow();
                    offset = (int)(_written % _ring.Length);
                }
                if (offset + packet.Length > _ring.Length)
                {
                    _written += _ring.Length - offset;
                    offset = 0;
                    _lapStarted = now;
                }
            }
            packet.CopyTo(_ring.AsSpan(offset));
            ref var slot = ref _index[sequenceNumber % IndexSlots];
            slot.Start = _written;
            slot.Length = packet.Length;
            slot.Sequence = sequenceNumber;
            _written += packet.Length;
        }
    }

    public bool TryCopy(ushort sequenceNumber, Span<byte> destination, out int length)
    {
        lock (_lock)
        {
            if (_ring is null || _index is null)
            {
                length = 0;
                return false;
            }
            var slot = _index[sequenceNumber % IndexSlots];
            length = slot.Length;
            if (slot.Sequence != sequenceNumber || destination.Length < length || _written - slot.Start > _ring.Length || slot.Start < _validFrom)
            {
                length = 0;
                return false;
            }
            _ring.AsSpan((int)(slot.Start % _ring.Length), length).CopyTo(destination);
            return true;
        }
    }

    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(_ring), nameof(_index))]
    private void Allocate(long now)
    {
        _index = new Slot[IndexSlots];
        for (var i = 0; i < _index.Length; i++)
            _index[i].Sequence = -1;
        Volatile.Write(ref _ring, new byte[InitialRingBytes]);
        _lapStarted = now;
    }

    // Doubles the ring; the bytes it still holds keep their absolute offsets (a lap boundary of the
    // larger ring is one of the smaller's, so no packet ends up split across the end).
    private void Grow()
    {
        var old = _ring!;
        var grown = new byte[old.Length * 2];
        _validFrom = Math.Max(_validFrom, _written - old.Length);
        var position = _validFrom;
        while (position < _written)
        {
            var from = (int)(position % old.Length);
            var to = (int)(position % grown.Length);
            var count = (int)Math.Min(_written - position, Math.Min(old.Length - from, grown.Length - to));
            old.AsSpan(from, count).CopyTo(grown.AsSpan(to));
            position += count;
        }
        Volatile.Write(ref _ring, grown);
    }
}

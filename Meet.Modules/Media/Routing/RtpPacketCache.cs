namespace Meet.Modules.Media.Routing;

// The last packets of one producer layer, by sequence number, for answering NACKs (RFC 4585 §6.2.1)
// with RTX (RFC 4588). SPEC "Loss recovery" asks for the last ~200 ms: packets are stored back to back
// in a byte ring of RingBytes (≈ 800 ms of a 2.5 Mbps layer, more than any keyframe), indexed by
// sequence number in IndexSlots slots; a packet is found while its slot still names it and the ring has
// not written over its bytes since. Issue 14: the fixed 1,500-byte slot per packet cost 768 KiB per
// layer, 2.3 MiB per simulcast camera, most of a 1,000-participant server's memory; the ring is 256 KiB
// and is allocated on the layer's first packet, so a layer never sent (dynacast) costs nothing.
// Written by the publisher's receive thread, read by subscribers' threads under a short lock; nothing
// is allocated per packet.
internal sealed class RtpPacketCache
{
    public const int IndexSlots = 512;
    public const int MaxPacketSize = 1500;
    public const int RingBytes = 256 * 1024;

    private readonly long[] _starts = new long[IndexSlots];
    private readonly int[] _lengths = new int[IndexSlots];
    private readonly int[] _sequences = new int[IndexSlots];
    private readonly Lock _lock = new();
    private byte[]? _ring;
    // Bytes written since the start, including the tail skipped when a packet would not fit before the
    // ring's end: a packet at absolute offset s is intact while _written - s <= RingBytes.
    private long _written;

    public RtpPacketCache() => Array.Fill(_sequences, -1);

    public bool IsAllocated => Volatile.Read(ref _ring) is not null;

    public void Store(ushort sequenceNumber, ReadOnlySpan<byte> packet)
    {
        if (packet.Length > MaxPacketSize)
            return;
        var slot = sequenceNumber % IndexSlots;
        lock (_lock)
        {
            _ring ??= new byte[RingBytes];
            var offset = (int)(_written % RingBytes);
            if (offset + packet.Length > RingBytes)
            {
                _written += RingBytes - offset;
                offset = 0;
            }
            packet.CopyTo(_ring.AsSpan(offset));
            _starts[slot] = _written;
            _lengths[slot] = packet.Length;
            _sequences[slot] = sequenceNumber;
            _written += packet.Length;
        }
    }

    public bool TryCopy(ushort sequenceNumber, Span<byte> destination, out int length)
    {
        var slot = sequenceNumber % IndexSlots;
        lock (_lock)
        {
            length = _lengths[slot];
            var start = _starts[slot];
            if (_ring is null || _sequences[slot] != sequenceNumber || destination.Length < length || _written - start > RingBytes)
            {
                length = 0;
                return false;
            }
            _ring.AsSpan((int)(start % RingBytes), length).CopyTo(destination);
            return true;
        }
    }
}

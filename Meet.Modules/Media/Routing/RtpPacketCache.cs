namespace Meet.Modules.Media.Routing;

// The last packets of one producer layer, by sequence number, for answering NACKs (RFC 4585 §6.2.1)
// with RTX (RFC 4588). 512 slots ≈ 200 ms of a 2.5 Mbps layer (SPEC "Loss recovery"); allocated once,
// written by the publisher's receive thread, read by subscribers' threads under a short lock.
internal sealed class RtpPacketCache
{
    public const int Capacity = 512;
    public const int MaxPacketSize = 1500;

    private readonly byte[] _buffer = new byte[Capacity * MaxPacketSize];
    private readonly int[] _lengths = new int[Capacity];
    private readonly int[] _sequences = new int[Capacity];
    private readonly Lock _lock = new();

    public RtpPacketCache() => Array.Fill(_sequences, -1);

    public void Store(ushort sequenceNumber, ReadOnlySpan<byte> packet)
    {
        if (packet.Length > MaxPacketSize)
            return;
        var slot = sequenceNumber % Capacity;
        lock (_lock)
        {
            packet.CopyTo(_buffer.AsSpan(slot * MaxPacketSize, MaxPacketSize));
            _lengths[slot] = packet.Length;
            _sequences[slot] = sequenceNumber;
        }
    }

    public bool TryCopy(ushort sequenceNumber, Span<byte> destination, out int length)
    {
        var slot = sequenceNumber % Capacity;
        lock (_lock)
        {
            length = _lengths[slot];
            if (_sequences[slot] != sequenceNumber || destination.Length < length)
            {
                length = 0;
                return false;
            }
            _buffer.AsSpan(slot * MaxPacketSize, length).CopyTo(destination);
            return true;
        }
    }
}

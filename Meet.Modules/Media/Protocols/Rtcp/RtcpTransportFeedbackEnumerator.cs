using System.Buffers.Binary;

namespace Meet.Modules.Media.Protocols.Rtcp;

// Yields every reported packet of a validated transport-cc feedback in sequence order, with its
// status and, when received, its arrival time (reference time plus the running sum of deltas).
public ref struct RtcpTransportFeedbackEnumerator
{
    private readonly ReadOnlySpan<byte> _chunks;
    private readonly ReadOnlySpan<byte> _deltas;
    private readonly int _statusCount;
    private int _index;
    private int _chunkOffset;
    private int _symbolInChunk;
    private int _deltaOffset;

    internal RtcpTransportFeedbackEnumerator(ReadOnlySpan<byte> chunks, ReadOnlySpan<byte> deltas, ushort baseSequence,
        int statusCount, long referenceMicroseconds)
    {
        _chunks = chunks;
        _deltas = deltas;
        _statusCount = statusCount;
        _index = -1;
        _chunkOffset = 0;
        _symbolInChunk = 0;
        _deltaOffset = 0;
        CurrentSequenceNumber = (ushort)(baseSequence - 1);
        CurrentStatus = RtcpPacketStatus.NotReceived;
        CurrentDelta = 0;
        CurrentArrivalMicroseconds = referenceMicroseconds;
    }

    public ushort CurrentSequenceNumber { get; private set; }

    public RtcpPacketStatus CurrentStatus { get; private set; }

    // In 250 µs units; 0 when not received.
    public int CurrentDelta { get; private set; }

    // Receiver clock; only differences between packets mean anything (§3.1.5).
    public long CurrentArrivalMicroseconds { get; private set; }

    public bool MoveNext()
    {
        if (++_index >= _statusCount)
            return false;
        CurrentSequenceNumber++;
        var chunk = BinaryPrimitives.ReadUInt16BigEndian(_chunks[_chunkOffset..]);
        int symbol, capacity;
        if ((chunk & 0x8000) == 0)
        {
            symbol = (chunk >> 13) & 0x3;
            capacity = chunk & 0x1FFF;
        }
        else if ((chunk & 0x4000) == 0)
        {
            symbol = (chunk >> (13 - _symbolInChunk)) & 0x1;
            capacity = 14;
        }
        else
        {
            symbol = (chunk >> (12 - 2 * _symbolInChunk)) & 0x3;
            capacity = 7;
        }
        if (++_symbolInChunk >= capacity)
        {
            _chunkOffset += 2;
            _symbolInChunk = 0;
        }
        CurrentStatus = (RtcpPacketStatus)symbol;
        CurrentDelta = symbol switch
        {
            1 => _deltas[_deltaOffset],
            2 => BinaryPrimitives.ReadInt16BigEndian(_deltas[_deltaOffset..]),
            _ => 0,
        };
        _deltaOffset += symbol;
        CurrentArrivalMicroseconds += (long)CurrentDelta * RtcpTransportFeedback.DeltaUnitMicroseconds;
        return true;
    }
}

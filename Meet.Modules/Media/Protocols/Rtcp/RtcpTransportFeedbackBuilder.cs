using System.Buffers.Binary;

namespace Meet.Modules.Media.Protocols.Rtcp;

// Builds one transport-cc feedback packet from packet arrivals. One builder per transport, reused
// for every feedback interval: Reset, TryAddReceived per arrival (in sequence order; gaps become
// NotReceived), then GetSerializedSize + TryWrite. Buffers are allocated once.
//
// Chunk choice is greedy: a run of ≥ 14 equal symbols (or the rest being one run) becomes a
// run-length chunk, otherwise a 1-bit vector when the next 14 symbols are all 0/1, otherwise a
// 2-bit vector of 7. libwebrtc does the same thing more cleverly; every receiver decodes both.
public sealed class RtcpTransportFeedbackBuilder
{
    private const int FixedSize = RtcpHeader.Size + 16;
    private const int MaxRunLength = 0x1FFF;

    private readonly byte[] _symbols;
    private readonly short[] _deltas;
    private int _statusCount;
    private int _deltaCount;
    private uint _senderSsrc;
    private uint _mediaSsrc;
    private ushort _baseSequence;
    private byte _feedbackCount;
    private int _referenceTime;
    private long _lastArrivalUnits;
    private int _deltaBytes;

    public RtcpTransportFeedbackBuilder(int maxPackets = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPackets, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxPackets, ushort.MaxValue);
        _symbols = new byte[maxPackets];
        _deltas = new short[maxPackets];
    }

    public int PacketStatusCount => _statusCount;

    public void Reset(uint senderSsrc, uint mediaSsrc, byte feedbackPacketCount)
    {
        _senderSsrc = senderSsrc;
        _mediaSsrc = mediaSsrc;
        _feedbackCount = feedbackPacketCount;
        _statusCount = 0;
        _deltaCount = 0;
        _deltaBytes = 0;
    }

    // False when the packet does not fit this feedback (out of order, too far apart in sequence or
    // time, or the builder is full): send what was built and start a new one with this packet.
    public bool TryAddReceived(ushort sequenceNumber, long arrivalMicroseconds)
    {
        var arrivalUnits = Math.DivRem(arrivalMicroseconds, RtcpTransportFeedback.DeltaUnitMicroseconds, out var rem);
        if (rem < 0)
            arrivalUnits--; // floor for negative clocks
        if (_statusCount == 0)
        {
            _baseSequence = sequenceNumber;
            // 24-bit signed reference in 64 ms units; the first delta is measured from it (§3.1).
            var reference = Math.DivRem(arrivalMicroseconds, RtcpTransportFeedback.ReferenceTimeUnitMicroseconds, out var refRem);
            if (refRem < 0)
                reference--;
            _referenceTime = (int)(reference & 0xFF_FFFF);
            _lastArrivalUnits = reference * (RtcpTransportFeedback.ReferenceTimeUnitMicroseconds / RtcpTransportFeedback.DeltaUnitMicroseconds);
        }
        var index = (ushort)(sequenceNumber - _baseSequence);
        if (index < _statusCount || index >= _symbols.Length)
            return false;
        var delta = arrivalUnits - _lastArrivalUnits;
        if (delta is < short.MinValue or > short.MaxValue)
            return false;
        for (var i = _statusCount; i < index; i++)
            _symbols[i] = (byte)RtcpPacketStatus.NotReceived;
        var symbol = delta is >= 0 and <= 255 ? RtcpPacketStatus.ReceivedSmallDelta : RtcpPacketStatus.ReceivedLargeDelta;
        _symbols[index] = (byte)symbol;
        _deltas[_deltaCount++] = (short)delta;
        _deltaBytes += (int)symbol;
        _statusCount = index + 1;
        _lastArrivalUnits = arrivalUnits;
        return true;
    }

    public int GetSerializedSize()
    {
        var chunks = 0;
        for (var i = 0; i < _statusCount; i += NextChunk(i, out _))
            chunks++;
        var unpadded = FixedSize + chunks * 2 + _deltaBytes;
        return (unpadded + 3) & ~3;
    }

    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        if (_statusCount == 0)
            return false;
        var size = GetSerializedSize();
        if (destination.Length < size)
            return false;
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], _senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], _mediaSsrc);
        BinaryPrimitives.WriteUInt16BigEndian(destination[12..], _baseSequence);
        BinaryPrimitives.WriteUInt16BigEndian(destination[14..], (ushort)_statusCount);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], (uint)_referenceTime << 8 | _feedbackCount);
        var offset = FixedSize;
        for (var i = 0; i < _statusCount;)
        {
            var covered = NextChunk(i, out var chunk);
            BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], chunk);
            offset += 2;
            i += covered;
        }
        for (var i = 0; i < _deltaCount; i++)
        {
            var delta = _deltas[i];
            if (delta is >= 0 and <= 255)
            {
                destination[offset++] = (byte)delta;
            }
            else
            {
                BinaryPrimitives.WriteInt16BigEndian(destination[offset..], delta);
                offset += 2;
            }
        }
        // Pad with the RTCP padding mechanism as libwebrtc does: zeros, the count in the last byte.
        var padding = size - offset;
        var first = 0x80 | RtcpFeedbackFormat.TransportWideCc;
        if (padding > 0)
        {
            destination[offset..size].Clear();
            destination[size - 1] = (byte)padding;
            first |= 0x20;
        }
        RtcpHeader.Write(destination, RtcpFeedbackFormat.TransportWideCc, RtcpPacketType.TransportFeedback, size);
        destination[0] = (byte)first;
        written = size;
        return true;
    }

    // Chooses the chunk starting at symbol `start`; returns how many symbols it covers.
    private int NextChunk(int start, out ushort chunk)
    {
        var remaining = _statusCount - start;
        var symbol = _symbols[start];
        var run = 1;
        while (run < remaining && run < MaxRunLength && _symbols[start + run] == symbol)
            run++;
        if (run >= 14 || run == remaining)
        {
            chunk = (ushort)(symbol << 13 | run);
            return run;
        }
        var span = Math.Min(14, remaining);
        var oneBit = true;
        for (var i = 0; i < span && oneBit; i++)
            oneBit = _symbols[start + i] <= 1;
        if (oneBit)
        {
            var bits = 0x8000;
            for (var i = 0; i < span; i++)
                bits |= _symbols[start + i] << (13 - i);
            chunk = (ushort)bits;
            return span;
        }
        span = Math.Min(7, remaining);
        var twoBits = 0xC000;
        for (var i = 0; i < span; i++)
            twoBits |= _symbols[start + i] << (12 - 2 * i);
        chunk = (ushort)twoBits;
        return span;
    }
}

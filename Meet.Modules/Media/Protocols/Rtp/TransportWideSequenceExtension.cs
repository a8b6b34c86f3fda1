using System.Buffers.Binary;

namespace Meet.Modules.Media.Protocols.Rtp;

// draft-holmer-rmcat-transport-wide-cc-extensions-01 §2: a 16-bit sequence number shared by all
// streams of a transport, echoed back in transport-cc feedback.
//  0                   1
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  transport-wide sequence nr   |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public static class TransportWideSequenceExtension
{
    public const int Size = 2;

    public static bool TryRead(ReadOnlySpan<byte> value, out ushort sequenceNumber)
    {
        if (value.Length < Size)
        {
            sequenceNumber = 0;
            return false;
        }
        sequenceNumber = BinaryPrimitives.ReadUInt16BigEndian(value);
        return true;
    }

    public static bool TryWrite(ushort sequenceNumber, Span<byte> destination, out int written)
    {
        written = 0;
        if (destination.Length < Size)
            return false;
        BinaryPrimitives.WriteUInt16BigEndian(destination, sequenceNumber);
        written = Size;
        return true;
    }
}

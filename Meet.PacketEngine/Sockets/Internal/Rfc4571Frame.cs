using System.Buffers;
using System.Buffers.Binary;

namespace Meet.PacketEngine.Sockets.Internal;

// RFC 4571 §2 framing of datagrams on a TCP stream (ICE-TCP, RFC 6544 §3):
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |             LENGTH            |  STUN / DTLS / RTP / RTCP ... |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// LENGTH is the unsigned 16-bit big-endian size of the datagram that follows.
internal static class Rfc4571Frame
{
    public const int HeaderSize = 2;
    public const int MaxPayloadLength = ushort.MaxValue;

    /// <summary>Reads one whole frame from the start of <paramref name="source"/>; false when it is not all there yet.</summary>
    public static bool TryParse(ReadOnlySpan<byte> source, out ReadOnlySpan<byte> payload, out int consumed)
    {
        payload = default;
        consumed = 0;
        if (source.Length < HeaderSize)
            return false;
        var length = BinaryPrimitives.ReadUInt16BigEndian(source);
        if (source.Length - HeaderSize < length)
            return false;
        payload = source.Slice(HeaderSize, length);
        consumed = HeaderSize + length;
        return true;
    }

    /// <summary>Reads just the length prefix at the reader's position without consuming it.</summary>
    public static bool TryPeekLength(in SequenceReader<byte> reader, out int length)
    {
        length = 0;
        Span<byte> prefix = stackalloc byte[HeaderSize];
        if (!reader.TryCopyTo(prefix))
            return false;
        length = BinaryPrimitives.ReadUInt16BigEndian(prefix);
        return true;
    }

    public static int GetSerializedSize(int payloadLength) => HeaderSize + payloadLength;

    public static bool TryWrite(ReadOnlySpan<byte> payload, Span<byte> destination, out int written)
    {
        written = 0;
        if (payload.Length > MaxPayloadLength || destination.Length < HeaderSize + payload.Length)
            return false;
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)payload.Length);
        payload.CopyTo(destination[HeaderSize..]);
        written = HeaderSize + payload.Length;
        return true;
    }
}

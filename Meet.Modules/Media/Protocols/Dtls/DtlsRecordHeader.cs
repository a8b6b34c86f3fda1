using System.Buffers.Binary;

namespace Meet.Modules.Media.Protocols.Dtls;

// RFC 6347 §4.1 record layer header (13 bytes), followed by `length` bytes of fragment:
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  | content type  |    version (major, minor)     |     epoch     …
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  …     epoch     |                sequence number (48 bits)      …
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  …                               |            length             |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// A handshake fragment starts with its msg_type (RFC 6347 §4.2.2); 1 is client_hello.
// Only the header is read here: the endpoint uses it to recognise DTLS and stray ClientHellos
// without handing them to the TLS engine.
internal readonly record struct DtlsRecordHeader(byte ContentType, ushort Version, ushort Epoch, ulong SequenceNumber, ushort Length)
{
    public const int Size = 13;
    public const byte HandshakeContentType = 22;
    public const byte ClientHelloMessageType = 1;
    private const ulong MaxSequenceNumber = (1UL << 48) - 1;

    // RFC 7983 §7: on a port shared with STUN/RTP, a first byte of 20..63 is DTLS.
    public static bool IsDtls(ReadOnlySpan<byte> datagram) => datagram.Length > 0 && datagram[0] is >= 20 and <= 63;

    public static bool TryParse(ReadOnlySpan<byte> datagram, out DtlsRecordHeader header)
    {
        header = default;
        if (datagram.Length < Size || !IsDtls(datagram))
        {
            return false;
        }

        ushort length = BinaryPrimitives.ReadUInt16BigEndian(datagram[11..]);
        if (datagram.Length - Size < length)
        {
            return false;
        }

        ulong sequence = ((ulong)BinaryPrimitives.ReadUInt16BigEndian(datagram[5..]) << 32) | BinaryPrimitives.ReadUInt32BigEndian(datagram[7..]);
        header = new DtlsRecordHeader(datagram[0], BinaryPrimitives.ReadUInt16BigEndian(datagram[1..]), BinaryPrimitives.ReadUInt16BigEndian(datagram[3..]), sequence, length);
        return true;
    }

    // An epoch-0 ClientHello: a new association attempt (or a retransmission of the first flight).
    public static bool IsClientHello(ReadOnlySpan<byte> datagram) =>
        TryParse(datagram, out DtlsRecordHeader header)
        && header.ContentType == HandshakeContentType
        && header.Epoch == 0
        && header.Length > 0
        && datagram[Size] == ClientHelloMessageType;

    public int GetSerializedSize() => Size;

    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        if (destination.Length < Size || SequenceNumber > MaxSequenceNumber)
        {
            return false;
        }

        destination[0] = ContentType;
        BinaryPrimitives.WriteUInt16BigEndian(destination[1..], Version);
        BinaryPrimitives.WriteUInt16BigEndian(destination[3..], Epoch);
        BinaryPrimitives.WriteUInt16BigEndian(destination[5..], (ushort)(SequenceNumber >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(destination[7..], (uint)SequenceNumber);
        BinaryPrimitives.WriteUInt16BigEndian(destination[11..], Length);
        written = Size;
        return true;
    }
}

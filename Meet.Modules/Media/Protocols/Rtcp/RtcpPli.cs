using System.Buffers.Binary;

namespace Meet.Modules.Media.Protocols.Rtcp;

// RFC 4585 §6.3.1 picture loss indication: the common feedback header with FMT 1, PT 206, no FCI.
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P|  FMT=1  |    PT=206     |          length = 2           |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                  SSRC of packet sender                        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                  SSRC of media source                         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public readonly record struct RtcpPli(uint SenderSsrc, uint MediaSsrc)
{
    public const int Size = 12;

    public static bool TryParse(ReadOnlySpan<byte> packet, out RtcpPli pli)
    {
        pli = default;
        if (!RtcpHeader.TryParse(packet, RtcpPacketType.PayloadSpecificFeedback, RtcpFeedbackFormat.PictureLossIndication,
                out _, out var body) || body.Length < 8)
            return false;
        pli = new RtcpPli(BinaryPrimitives.ReadUInt32BigEndian(body), BinaryPrimitives.ReadUInt32BigEndian(body[4..]));
        return true;
    }

    public int GetSerializedSize() => Size;

    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        if (destination.Length < Size)
            return false;
        RtcpHeader.Write(destination, RtcpFeedbackFormat.PictureLossIndication, RtcpPacketType.PayloadSpecificFeedback, Size);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], SenderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], MediaSsrc);
        written = Size;
        return true;
    }
}

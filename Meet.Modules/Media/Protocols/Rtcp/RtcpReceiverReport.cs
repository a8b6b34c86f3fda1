using System.Buffers.Binary;

namespace Meet.Modules.Media.Protocols.Rtcp;

// RFC 3550 §6.4.2 receiver report:
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P|    RC   |   PT=RR=201   |             length            |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                     SSRC of packet sender                     |
// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
// |                 report blocks (RC × 24 bytes)                 |
// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
// |         profile-specific extensions (ignored)                 |
public readonly ref struct RtcpReceiverReport
{
    private readonly RtcpReportBlockList _blocks;

    public RtcpReceiverReport(uint senderSsrc, ReadOnlySpan<RtcpReportBlock> reportBlocks)
    {
        SenderSsrc = senderSsrc;
        _blocks = new RtcpReportBlockList(reportBlocks);
    }

    private RtcpReceiverReport(ReadOnlySpan<byte> body, int count)
    {
        SenderSsrc = BinaryPrimitives.ReadUInt32BigEndian(body);
        _blocks = new RtcpReportBlockList(body[4..], count);
    }

    public uint SenderSsrc { get; }

    public int ReportCount => _blocks.Count;

    public RtcpReportBlock GetReportBlock(int index) => _blocks[index];

    public static bool TryParse(ReadOnlySpan<byte> packet, out RtcpReceiverReport report)
    {
        report = default;
        if (!RtcpHeader.TryParse(packet, RtcpPacketType.ReceiverReport, null, out var header, out var body)
            || body.Length < 4 + header.Count * RtcpReportBlock.Size)
            return false;
        report = new RtcpReceiverReport(body, header.Count);
        return true;
    }

    public int GetSerializedSize() => RtcpHeader.Size + 4 + _blocks.SerializedSize;

    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        var size = GetSerializedSize();
        if (destination.Length < size)
            return false;
        RtcpHeader.Write(destination, ReportCount, RtcpPacketType.ReceiverReport, size);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], SenderSsrc);
        _blocks.Write(destination[8..]);
        written = size;
        return true;
    }
}

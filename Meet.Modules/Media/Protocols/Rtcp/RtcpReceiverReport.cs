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
    private readonly ReadOnlySpan<byte> _rawBlocks;
    private readonly ReadOnlySpan<RtcpReportBlock> _blocks;
    private readonly bool _parsed;

    public RtcpReceiverReport(uint senderSsrc, ReadOnlySpan<RtcpReportBlock> reportBlocks)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(reportBlocks.Length, 31);
        SenderSsrc = senderSsrc;
        _blocks = reportBlocks;
    }

    private RtcpReceiverReport(ReadOnlySpan<byte> body, int count)
    {
        SenderSsrc = BinaryPrimitives.ReadUInt32BigEndian(body);
        _rawBlocks = body.Slice(4, count * RtcpReportBlock.Size);
        _parsed = true;
    }

    public uint SenderSsrc { get; }

    public int ReportCount => _parsed ? _rawBlocks.Length / RtcpReportBlock.Size : _blocks.Length;

    public RtcpReportBlock GetReportBlock(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ReportCount);
        if (!_parsed)
            return _blocks[index];
        RtcpReportBlock.TryParse(_rawBlocks[(index * RtcpReportBlock.Size)..], out var block);
        return block;
    }

    public static bool TryParse(ReadOnlySpan<byte> packet, out RtcpReceiverReport report)
    {
        report = default;
        if (!RtcpHeader.TryParse(packet, RtcpPacketType.ReceiverReport, null, out var header, out var body)
            || body.Length < 4 + header.Count * RtcpReportBlock.Size)
            return false;
        report = new RtcpReceiverReport(body, header.Count);
        return true;
    }

    public int GetSerializedSize() => RtcpHeader.Size + 4 + ReportCount * RtcpReportBlock.Size;

    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        var size = GetSerializedSize();
        if (destination.Length < size)
            return false;
        RtcpHeader.Write(destination, ReportCount, RtcpPacketType.ReceiverReport, size);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], SenderSsrc);
        for (var i = 0; i < ReportCount; i++)
            GetReportBlock(i).TryWrite(destination[(8 + i * RtcpReportBlock.Size)..], out _);
        written = size;
        return true;
    }
}

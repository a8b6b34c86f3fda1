using System.Buffers.Binary;

namespace Meet.Modules.Media.Protocols.Rtcp;

// RFC 5104 §4.3.1 full intra request: feedback header with FMT 4, PT 206, media source SSRC 0
// (the targets are in the FCI), then RtcpFirEntry × n.
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P|  FMT=4  |    PT=206     |          length               |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                  SSRC of packet sender                        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                  SSRC of media source (unused, 0)             |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                  FCI entries (8 bytes each)                   |
public readonly ref struct RtcpFir
{
    private readonly ReadOnlySpan<byte> _rawEntries;
    private readonly ReadOnlySpan<RtcpFirEntry> _entries;
    private readonly bool _parsed;

    public RtcpFir(uint senderSsrc, ReadOnlySpan<RtcpFirEntry> entries)
    {
        SenderSsrc = senderSsrc;
        _entries = entries;
    }

    private RtcpFir(ReadOnlySpan<byte> body)
    {
        SenderSsrc = BinaryPrimitives.ReadUInt32BigEndian(body);
        _rawEntries = body[8..(8 + (body.Length - 8) / RtcpFirEntry.Size * RtcpFirEntry.Size)];
        _parsed = true;
    }

    public uint SenderSsrc { get; }

    public int EntryCount => _parsed ? _rawEntries.Length / RtcpFirEntry.Size : _entries.Length;

    public RtcpFirEntry GetEntry(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, EntryCount);
        if (!_parsed)
            return _entries[index];
        var at = _rawEntries[(index * RtcpFirEntry.Size)..];
        return new RtcpFirEntry(BinaryPrimitives.ReadUInt32BigEndian(at), at[4]);
    }

    public static bool TryParse(ReadOnlySpan<byte> packet, out RtcpFir fir)
    {
        fir = default;
        if (!RtcpHeader.TryParse(packet, RtcpPacketType.PayloadSpecificFeedback, RtcpFeedbackFormat.FullIntraRequest,
                out _, out var body) || body.Length < 8 + RtcpFirEntry.Size)
            return false;
        fir = new RtcpFir(body);
        return true;
    }

    public int GetSerializedSize() => RtcpHeader.Size + 8 + EntryCount * RtcpFirEntry.Size;

    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        var size = GetSerializedSize();
        if (EntryCount == 0 || destination.Length < size)
            return false;
        RtcpHeader.Write(destination, RtcpFeedbackFormat.FullIntraRequest, RtcpPacketType.PayloadSpecificFeedback, size);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], SenderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], 0);
        for (var i = 0; i < EntryCount; i++)
        {
            var entry = GetEntry(i);
            var at = destination[(12 + i * RtcpFirEntry.Size)..];
            BinaryPrimitives.WriteUInt32BigEndian(at, entry.Ssrc);
            BinaryPrimitives.WriteUInt32BigEndian(at[4..], (uint)entry.SequenceNumber << 24);
        }
        written = size;
        return true;
    }
}

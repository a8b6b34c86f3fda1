using System.Buffers.Binary;

namespace Meet.Modules.Media.Protocols.Rtcp;

// RFC 4585 §6.2.1 generic NACK: the common feedback header (§6.1) with FMT 1, PT 205, and one
// or more RtcpNackItem entries as FCI.
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P|  FMT=1  |    PT=205     |          length               |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                  SSRC of packet sender                        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                  SSRC of media source                         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |            PID                |             BLP               |  × n
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public readonly ref struct RtcpNack
{
    private readonly ReadOnlySpan<byte> _rawItems;
    private readonly ReadOnlySpan<RtcpNackItem> _items;
    private readonly bool _parsed;

    public RtcpNack(uint senderSsrc, uint mediaSsrc, ReadOnlySpan<RtcpNackItem> items)
    {
        SenderSsrc = senderSsrc;
        MediaSsrc = mediaSsrc;
        _items = items;
    }

    private RtcpNack(ReadOnlySpan<byte> body)
    {
        SenderSsrc = BinaryPrimitives.ReadUInt32BigEndian(body);
        MediaSsrc = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
        _rawItems = body[8..(8 + (body.Length - 8) / RtcpNackItem.Size * RtcpNackItem.Size)];
        _parsed = true;
    }

    public uint SenderSsrc { get; }

    public uint MediaSsrc { get; }

    public int ItemCount => _parsed ? _rawItems.Length / RtcpNackItem.Size : _items.Length;

    public RtcpNackItem GetItem(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ItemCount);
        if (!_parsed)
            return _items[index];
        var at = _rawItems[(index * RtcpNackItem.Size)..];
        return new RtcpNackItem(BinaryPrimitives.ReadUInt16BigEndian(at), BinaryPrimitives.ReadUInt16BigEndian(at[2..]));
    }

    public static bool TryParse(ReadOnlySpan<byte> packet, out RtcpNack nack)
    {
        nack = default;
        // §6.2.1: at least one FCI entry.
        if (!RtcpHeader.TryParse(packet, RtcpPacketType.TransportFeedback, RtcpFeedbackFormat.GenericNack, out _, out var body)
            || body.Length < 8 + RtcpNackItem.Size)
            return false;
        nack = new RtcpNack(body);
        return true;
    }

    public int GetSerializedSize() => RtcpHeader.Size + 8 + ItemCount * RtcpNackItem.Size;

    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        var size = GetSerializedSize();
        if (ItemCount == 0 || destination.Length < size)
            return false;
        RtcpHeader.Write(destination, RtcpFeedbackFormat.GenericNack, RtcpPacketType.TransportFeedback, size);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], SenderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], MediaSsrc);
        for (var i = 0; i < ItemCount; i++)
        {
            var item = GetItem(i);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(12 + i * 4)..], item.PacketId);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(14 + i * 4)..], item.LostBitmask);
        }
        written = size;
        return true;
    }
}

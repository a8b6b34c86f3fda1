using System.Buffers.Binary;

namespace Meet.Modules.Media.Protocols.Rtcp;

// RFC 3550 §6.5 source description:
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P|    SC   |  PT=SDES=202  |             length            |
// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
// |                          SSRC/CSRC_1                          |  chunk 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |     type      |     length    | text ...                      |  items, ended by a
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  type-0 octet and zero
// |                           ... chunk 2 ...                     |  padding to 32 bits
//
// TryParse validates every chunk, so the item enumerator cannot hit malformed data. For sending,
// the SFU only ever needs one chunk with a CNAME (§6.5.1: mandatory in every compound).
public readonly ref struct RtcpSdes
{
    public const byte CnameItem = 1;

    private readonly ReadOnlySpan<byte> _chunks;
    private readonly uint _ssrc;
    private readonly ReadOnlySpan<byte> _cname;
    private readonly bool _parsed;

    public RtcpSdes(uint ssrc, ReadOnlySpan<byte> cname)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cname.Length, 255);
        _ssrc = ssrc;
        _cname = cname;
        ChunkCount = 1;
    }

    private RtcpSdes(ReadOnlySpan<byte> chunks, int count)
    {
        _chunks = chunks;
        ChunkCount = count;
        _parsed = true;
    }

    public int ChunkCount { get; }

    public RtcpSdesItemEnumerator GetItems() => new(_parsed ? _chunks : default, _parsed ? ChunkCount : 0);

    // The first chunk's CNAME.
    public bool TryGetCname(out uint ssrc, out ReadOnlySpan<byte> cname)
    {
        if (!_parsed)
        {
            ssrc = _ssrc;
            cname = _cname;
            return true;
        }
        var items = GetItems();
        while (items.MoveNext())
        {
            if (items.CurrentType == CnameItem)
            {
                ssrc = items.CurrentSsrc;
                cname = items.CurrentValue;
                return true;
            }
        }
        ssrc = 0;
        cname = default;
        return false;
    }

    public static bool TryParse(ReadOnlySpan<byte> packet, out RtcpSdes sdes)
    {
        sdes = default;
        if (!RtcpHeader.TryParse(packet, RtcpPacketType.SourceDescription, null, out var header, out var body))
            return false;
        var offset = 0;
        for (var chunk = 0; chunk < header.Count; chunk++)
        {
            if (!TryMeasureChunk(body[offset..], out var chunkLength))
                return false;
            offset += chunkLength;
        }
        sdes = new RtcpSdes(body[..offset], header.Count);
        return true;
    }

    // Chunk = SSRC, items, a terminating zero octet, zero padding to the next 32-bit boundary.
    internal static bool TryMeasureChunk(ReadOnlySpan<byte> data, out int length)
    {
        length = 0;
        if (data.Length < 8)
            return false;
        var offset = 4;
        while (true)
        {
            if (offset >= data.Length)
                return false;
            if (data[offset] == 0)
                break;
            if (offset + 2 > data.Length || offset + 2 + data[offset + 1] > data.Length)
                return false;
            offset += 2 + data[offset + 1];
        }
        length = (offset + 4) & ~3;
        return length <= data.Length;
    }

    public int GetSerializedSize() => RtcpHeader.Size + ((4 + 2 + _cname.Length + 1 + 3) & ~3);

    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        if (_parsed)
            throw new InvalidOperationException("Only SDES packets built with a CNAME can be written.");
        var size = GetSerializedSize();
        if (destination.Length < size)
            return false;
        RtcpHeader.Write(destination, 1, RtcpPacketType.SourceDescription, size);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], _ssrc);
        destination[8] = CnameItem;
        destination[9] = (byte)_cname.Length;
        _cname.CopyTo(destination[10..]);
        destination[(10 + _cname.Length)..size].Clear();
        written = size;
        return true;
    }
}

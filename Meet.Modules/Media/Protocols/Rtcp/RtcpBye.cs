using System.Buffers.Binary;

namespace Meet.Modules.Media.Protocols.Rtcp;

// RFC 3550 §6.6 goodbye:
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P|    SC   |   PT=BYE=203  |             length            |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                           SSRC/CSRC (SC times)                |
// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
// |     length    |               reason for leaving            ...   (optional)
public readonly ref struct RtcpBye
{
    private readonly ReadOnlySpan<byte> _rawSsrcs;
    private readonly ReadOnlySpan<uint> _ssrcs;
    private readonly bool _parsed;

    public RtcpBye(ReadOnlySpan<uint> ssrcs, ReadOnlySpan<byte> reason = default)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ssrcs.Length, 31);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(reason.Length, 255);
        _ssrcs = ssrcs;
        Reason = reason;
    }

    private RtcpBye(ReadOnlySpan<byte> rawSsrcs, ReadOnlySpan<byte> reason, bool parsed)
    {
        _rawSsrcs = rawSsrcs;
        Reason = reason;
        _parsed = parsed;
    }

    public int SsrcCount => _parsed ? _rawSsrcs.Length / 4 : _ssrcs.Length;

    public ReadOnlySpan<byte> Reason { get; }

    public uint GetSsrc(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, SsrcCount);
        return _parsed ? BinaryPrimitives.ReadUInt32BigEndian(_rawSsrcs[(index * 4)..]) : _ssrcs[index];
    }

    public static bool TryParse(ReadOnlySpan<byte> packet, out RtcpBye bye)
    {
        bye = default;
        if (!RtcpHeader.TryParse(packet, RtcpPacketType.Goodbye, null, out var header, out var body))
            return false;
        var ssrcBytes = header.Count * 4;
        if (body.Length < ssrcBytes)
            return false;
        ReadOnlySpan<byte> reason = default;
        if (body.Length > ssrcBytes)
        {
            int length = body[ssrcBytes];
            if (ssrcBytes + 1 + length > body.Length)
                return false;
            reason = body.Slice(ssrcBytes + 1, length);
        }
        bye = new RtcpBye(body[..ssrcBytes], reason, parsed: true);
        return true;
    }

    public int GetSerializedSize() =>
        RtcpHeader.Size + SsrcCount * 4 + (Reason.IsEmpty ? 0 : (1 + Reason.Length + 3) & ~3);

    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        var size = GetSerializedSize();
        if (destination.Length < size)
            return false;
        RtcpHeader.Write(destination, SsrcCount, RtcpPacketType.Goodbye, size);
        var offset = RtcpHeader.Size;
        for (var i = 0; i < SsrcCount; i++, offset += 4)
            BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], GetSsrc(i));
        if (!Reason.IsEmpty)
        {
            destination[offset] = (byte)Reason.Length;
            Reason.CopyTo(destination[(offset + 1)..]);
            destination[(offset + 1 + Reason.Length)..size].Clear();
        }
        written = size;
        return true;
    }
}

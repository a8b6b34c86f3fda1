using System.Buffers.Binary;

namespace Meet.Modules.Media.Protocols.Rtcp;

// Receiver estimated maximum bitrate (draft-alvestrand-rmcat-remb-03 §2.2): an application-layer
// feedback message (PT 206, FMT 15) tagged "REMB".
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P| FMT=15  |   PT=206      |             length            |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                  SSRC of packet sender                        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                  SSRC of media source (0)                     |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  Unique identifier 'R' 'E' 'M' 'B'                            |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  Num SSRC     | BR Exp    |  BR Mantissa                      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |   SSRC feedback  (× Num SSRC)                                 |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public readonly ref struct RtcpRemb
{
    private const uint Identifier = 0x52454D42; // "REMB"
    private const int MantissaBits = 18;
    private const uint MaxMantissa = (1u << MantissaBits) - 1;

    private readonly ReadOnlySpan<byte> _rawSsrcs;
    private readonly ReadOnlySpan<uint> _ssrcs;
    private readonly bool _parsed;

    public RtcpRemb(uint senderSsrc, ulong bitrate, ReadOnlySpan<uint> ssrcs)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ssrcs.Length, 255);
        SenderSsrc = senderSsrc;
        Bitrate = bitrate;
        _ssrcs = ssrcs;
    }

    private RtcpRemb(uint senderSsrc, ulong bitrate, ReadOnlySpan<byte> rawSsrcs)
    {
        SenderSsrc = senderSsrc;
        Bitrate = bitrate;
        _rawSsrcs = rawSsrcs;
        _parsed = true;
    }

    public uint SenderSsrc { get; }

    // Bits per second. Written as mantissa · 2^exp, so large values lose their low bits.
    public ulong Bitrate { get; }

    public int SsrcCount => _parsed ? _rawSsrcs.Length / 4 : _ssrcs.Length;

    public uint GetSsrc(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, SsrcCount);
        return _parsed ? BinaryPrimitives.ReadUInt32BigEndian(_rawSsrcs[(index * 4)..]) : _ssrcs[index];
    }

    // Cheap check for dispatch: PSFB FMT 15 can carry other application messages.
    public static bool IsRemb(ReadOnlySpan<byte> packet) =>
        packet.Length >= 20 && (packet[0] & 0x1F) == RtcpFeedbackFormat.ApplicationLayer
        && packet[1] == (byte)RtcpPacketType.PayloadSpecificFeedback
        && BinaryPrimitives.ReadUInt32BigEndian(packet[12..]) == Identifier;

    public static bool TryParse(ReadOnlySpan<byte> packet, out RtcpRemb remb)
    {
        remb = default;
        if (!RtcpHeader.TryParse(packet, RtcpPacketType.PayloadSpecificFeedback, RtcpFeedbackFormat.ApplicationLayer,
                out _, out var body) || body.Length < 16 || BinaryPrimitives.ReadUInt32BigEndian(body[8..]) != Identifier)
            return false;
        var count = body[12];
        if (body.Length < 16 + count * 4)
            return false;
        var exponent = body[13] >> 2;
        var mantissa = (ulong)((body[13] & 0x03) << 16 | body[14] << 8 | body[15]);
        // Exponents beyond 46 would overflow 64 bits; no real estimate is that large.
        if (exponent > 64 - MantissaBits)
            return false;
        remb = new RtcpRemb(BinaryPrimitives.ReadUInt32BigEndian(body), mantissa << exponent, body.Slice(16, count * 4));
        return true;
    }

    public int GetSerializedSize() => RtcpHeader.Size + 16 + SsrcCount * 4;

    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        var size = GetSerializedSize();
        if (destination.Length < size)
            return false;
        var exponent = 0;
        var mantissa = Bitrate;
        while (mantissa > MaxMantissa)
        {
            mantissa >>= 1;
            exponent++;
        }
        RtcpHeader.Write(destination, RtcpFeedbackFormat.ApplicationLayer, RtcpPacketType.PayloadSpecificFeedback, size);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], SenderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], Identifier);
        destination[16] = (byte)SsrcCount;
        destination[17] = (byte)(exponent << 2 | (int)(mantissa >> 16));
        destination[18] = (byte)(mantissa >> 8);
        destination[19] = (byte)mantissa;
        for (var i = 0; i < SsrcCount; i++)
            BinaryPrimitives.WriteUInt32BigEndian(destination[(20 + i * 4)..], GetSsrc(i));
        written = size;
        return true;
    }
}

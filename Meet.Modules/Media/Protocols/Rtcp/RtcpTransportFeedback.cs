using System.Buffers.Binary;

namespace Meet.Modules.Media.Protocols.Rtcp;

// Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01
// §3.1), RTPFB FMT 15:
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P|  FMT=15 |    PT=205     |           length              |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                     SSRC of packet sender                     |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                      SSRC of media source                     |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |      base sequence number     |      packet status count      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                 reference time                | fb pkt. count |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |          packet chunk         |         packet chunk          |  ... until the status
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  count is covered
// |  recv delta   |  recv delta   |  recv delta (2 bytes if large)|  one per received packet
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Packet chunks (§3.1.3, §3.1.4):
//   run length:     |0| S (2) |        run length (13)        |
//   status vector:  |1|0| 14 × 1-bit symbol |  or  |1|1| 7 × 2-bit symbol |
// Reference time: 24-bit signed, units of 64 ms. Deltas: units of 250 µs.
//
// TryParse walks chunks and deltas once to validate them, so the enumerator never fails.
public readonly ref struct RtcpTransportFeedback
{
    public const int DeltaUnitMicroseconds = 250;
    public const int ReferenceTimeUnitMicroseconds = 64_000;
    private const int FixedBodySize = 16;

    private readonly ReadOnlySpan<byte> _body;
    private readonly int _deltaOffset;

    private RtcpTransportFeedback(ReadOnlySpan<byte> body, int deltaOffset)
    {
        _body = body;
        _deltaOffset = deltaOffset;
    }

    public uint SenderSsrc => BinaryPrimitives.ReadUInt32BigEndian(_body);

    public uint MediaSsrc => BinaryPrimitives.ReadUInt32BigEndian(_body[4..]);

    public ushort BaseSequenceNumber => BinaryPrimitives.ReadUInt16BigEndian(_body[8..]);

    public int PacketStatusCount => BinaryPrimitives.ReadUInt16BigEndian(_body[10..]);

    // 24-bit signed, in 64 ms units.
    public int ReferenceTime => (int)(BinaryPrimitives.ReadUInt32BigEndian(_body[12..]) & 0xFFFF_FF00) >> 8;

    public byte FeedbackPacketCount => _body[15];

    public RtcpTransportFeedbackEnumerator GetEnumerator() =>
        new(_body[FixedBodySize.._deltaOffset], _body[_deltaOffset..], BaseSequenceNumber, PacketStatusCount,
            (long)ReferenceTime * ReferenceTimeUnitMicroseconds);

    public static bool TryParse(ReadOnlySpan<byte> packet, out RtcpTransportFeedback feedback)
    {
        feedback = default;
        if (!RtcpHeader.TryParse(packet, RtcpPacketType.TransportFeedback, RtcpFeedbackFormat.TransportWideCc, out _,
                out var body) || body.Length < FixedBodySize)
            return false;
        int statusCount = BinaryPrimitives.ReadUInt16BigEndian(body[10..]);
        var offset = FixedBodySize;
        var covered = 0;
        var deltaBytes = 0;
        while (covered < statusCount)
        {
            if (offset + 2 > body.Length)
                return false;
            var chunk = BinaryPrimitives.ReadUInt16BigEndian(body[offset..]);
            offset += 2;
            covered += CountDeltaBytes(chunk, statusCount - covered, ref deltaBytes, out var symbols);
            if (symbols < 0)
                return false;
        }
        if (offset + deltaBytes > body.Length)
            return false;
        feedback = new RtcpTransportFeedback(body[..(offset + deltaBytes)], offset);
        return true;
    }

    // Adds the delta bytes the chunk's first `remaining` symbols need; returns symbols covered.
    // symbolsOrError < 0 flags the reserved symbol 3.
    private static int CountDeltaBytes(ushort chunk, int remaining, ref int deltaBytes, out int symbolsOrError)
    {
        if ((chunk & 0x8000) == 0)
        {
            var symbol = (chunk >> 13) & 0x3;
            var run = Math.Min(chunk & 0x1FFF, remaining);
            // A zero-length run covers nothing and would desynchronise the walk; reject it.
            symbolsOrError = symbol == 3 || (chunk & 0x1FFF) == 0 ? -1 : run;
            deltaBytes += symbol * run;
            return run;
        }
        var twoBit = (chunk & 0x4000) != 0;
        var capacity = twoBit ? 7 : 14;
        var count = Math.Min(capacity, remaining);
        for (var i = 0; i < count; i++)
        {
            var symbol = twoBit ? (chunk >> (12 - 2 * i)) & 0x3 : (chunk >> (13 - i)) & 0x1;
            if (symbol == 3)
            {
                symbolsOrError = -1;
                return count;
            }
            deltaBytes += symbol;
        }
        symbolsOrError = count;
        return count;
    }
}

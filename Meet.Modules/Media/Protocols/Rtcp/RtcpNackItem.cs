namespace Meet.Modules.Media.Protocols.Rtcp;

// One generic NACK FCI entry (RFC 4585 §6.2.1): PID is a lost sequence number, bit i of BLP marks
// PID + i + 1 as lost too, so one entry covers up to 17 packets.
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |            PID                |             BLP               |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public readonly record struct RtcpNackItem(ushort PacketId, ushort LostBitmask)
{
    public const int Size = 4;
    public const int MaxSequenceNumbers = 17;

    public int LostCount => 1 + System.Numerics.BitOperations.PopCount(LostBitmask);

    // Writes the lost sequence numbers in order; returns how many (≤ 17) or −1 if it does not fit.
    public int CopyLostTo(Span<ushort> destination)
    {
        if (destination.Length < LostCount)
            return -1;
        destination[0] = PacketId;
        var count = 1;
        for (var bit = 0; bit < 16; bit++)
        {
            if ((LostBitmask & (1 << bit)) != 0)
                destination[count++] = (ushort)(PacketId + bit + 1);
        }
        return count;
    }

    // Packs lost sequence numbers (in sending order, wrap allowed) into as few entries as possible.
    // Returns the number of entries, or −1 when the destination is too small.
    public static int Build(ReadOnlySpan<ushort> lostSequenceNumbers, Span<RtcpNackItem> destination)
    {
        var count = 0;
        var i = 0;
        while (i < lostSequenceNumbers.Length)
        {
            if (count == destination.Length)
                return -1;
            var pid = lostSequenceNumbers[i++];
            ushort blp = 0;
            while (i < lostSequenceNumbers.Length)
            {
                var distance = (ushort)(lostSequenceNumbers[i] - pid);
                if (distance is 0 or > 16)
                    break;
                blp |= (ushort)(1 << (distance - 1));
                i++;
            }
            destination[count++] = new RtcpNackItem(pid, blp);
        }
        return count;
    }
}

namespace Meet.Modules.Media.Protocols.Rtcp;

// The report blocks of a sender or receiver report (RFC 3550 §6.4). A parsed list reads each block
// from the packet bytes when asked; a list built for sending holds the caller's blocks. Either way
// nothing is copied to the heap.
internal readonly ref struct RtcpReportBlockList
{
    public const int MaxCount = 31;

    private readonly ReadOnlySpan<byte> _raw;
    private readonly ReadOnlySpan<RtcpReportBlock> _blocks;
    private readonly bool _parsed;

    public RtcpReportBlockList(ReadOnlySpan<RtcpReportBlock> blocks)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blocks.Length, MaxCount);
        _blocks = blocks;
    }

    public RtcpReportBlockList(ReadOnlySpan<byte> raw, int count)
    {
        _raw = raw[..(count * RtcpReportBlock.Size)];
        _parsed = true;
    }

    public int Count => _parsed ? _raw.Length / RtcpReportBlock.Size : _blocks.Length;

    public int SerializedSize => Count * RtcpReportBlock.Size;

    public RtcpReportBlock this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            if (!_parsed)
                return _blocks[index];
            RtcpReportBlock.TryParse(_raw[(index * RtcpReportBlock.Size)..], out var block);
            return block;
        }
    }

    // The caller has checked that destination holds SerializedSize bytes.
    public void Write(Span<byte> destination)
    {
        for (var i = 0; i < Count; i++)
            this[i].TryWrite(destination[(i * RtcpReportBlock.Size)..], out _);
    }
}

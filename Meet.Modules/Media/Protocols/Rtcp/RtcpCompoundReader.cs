namespace Meet.Modules.Media.Protocols.Rtcp;

// Walks the packets of a compound RTCP datagram (RFC 3550 §6.1). Reduced-size RTCP (RFC 5506) is
// allowed, so the first packet need not be SR/RR. When a packet's length runs past the datagram
// the walk stops and IsMalformed is set; packets already returned stay valid.
//
//   foreach-style:  var reader = new RtcpCompoundReader(datagram);
//                   while (reader.MoveNext()) switch (reader.Current.PacketType) { ... reader.CurrentPacket ... }
public ref struct RtcpCompoundReader
{
    private readonly ReadOnlySpan<byte> _datagram;
    private int _offset;

    public RtcpCompoundReader(ReadOnlySpan<byte> datagram)
    {
        _datagram = datagram;
        _offset = 0;
        Current = default;
        CurrentPacket = default;
        IsMalformed = false;
    }

    public RtcpHeader Current { get; private set; }

    public ReadOnlySpan<byte> CurrentPacket { get; private set; }

    public bool IsMalformed { get; private set; }

    public bool MoveNext()
    {
        if (_offset >= _datagram.Length || IsMalformed)
            return false;
        var rest = _datagram[_offset..];
        // §6.4.1: only the last packet of a compound may be padded.
        if (!RtcpHeader.TryParse(rest, out var header) || (header.HasPadding && header.PacketLength != rest.Length))
        {
            IsMalformed = true;
            Current = default;
            CurrentPacket = default;
            return false;
        }
        Current = header;
        CurrentPacket = rest[..header.PacketLength];
        _offset += header.PacketLength;
        return true;
    }

    // True when the whole datagram is well-formed RTCP with at least one packet.
    public static bool IsValidCompound(ReadOnlySpan<byte> datagram)
    {
        var reader = new RtcpCompoundReader(datagram);
        var count = 0;
        while (reader.MoveNext())
            count++;
        return count > 0 && !reader.IsMalformed;
    }
}

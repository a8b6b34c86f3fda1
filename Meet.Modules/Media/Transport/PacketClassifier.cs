namespace Meet.Modules.Media.Transport;

// RFC 7983 §7: the first byte tells the protocols apart on one port.
//
//              +----------------+
//              |        [0..3] -+--> forward to STUN
//   packet --> |      [20..63] -+--> forward to DTLS
//              |    [128..191] -+--> forward to RTP/RTCP
//              +----------------+
//
// RTP and RTCP then differ by the second byte (RFC 5761 §4: RTCP packet types 192..223).
internal static class PacketClassifier
{
    public static PacketKind Classify(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 4)
            return PacketKind.Unknown;
        var first = packet[0];
        if (first <= 3)
            return PacketKind.Stun;
        if (first is >= 20 and <= 63)
            return PacketKind.Dtls;
        if (first is >= 128 and <= 191)
            return packet[1] is >= 192 and <= 223 ? PacketKind.Rtcp : PacketKind.Rtp;
        return PacketKind.Unknown;
    }
}

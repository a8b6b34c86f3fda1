namespace Meet.Modules.Media.Transport;

internal enum PacketKind
{
    Unknown,
    Stun,
    Dtls,
    Rtp,
    Rtcp,
}

namespace Meet.PacketEngine;

public enum PacketProtocol
{
    Udp,
    /// <summary>ICE-TCP passive: RFC 4571 length-prefixed datagrams over accepted TCP connections.</summary>
    IceTcp,
}

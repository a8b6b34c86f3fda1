namespace Meet.Modules.Media.Protocols.Ice;

public enum IceTransportProtocol
{
    Udp,
    Tcp,
}

namespace Meet.PacketEngine;

public enum PacketEngineBackend
{
    Sockets,
    Dpdk,
}

namespace Meet.PacketEngine;

/// <summary>
/// The packet engine contract the SFU sees: bind endpoints, receive batches, send batches. Which
/// backend runs (kernel sockets or DPDK) is chosen by configuration (<c>PacketEngine:Backend</c>).
/// </summary>
public interface IPacketEngine : IAsyncDisposable
{
    PacketEngineBackend Backend { get; }

    /// <summary>
    /// Binds <paramref name="localAddress"/> (port 0 picks a free port) and starts delivering what
    /// arrives there to <paramref name="receiver"/>. Throws <see cref="PacketEngineException"/> when
    /// the backend cannot bind, or does not support <paramref name="protocol"/>.
    /// </summary>
    IPacketChannel Bind(PacketAddress localAddress, PacketProtocol protocol, IPacketReceiver receiver);
}

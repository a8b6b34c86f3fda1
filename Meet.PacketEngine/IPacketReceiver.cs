namespace Meet.PacketEngine;

/// <summary>
/// Receives datagrams from a channel. Called on an engine thread (a socket receive loop or the DPDK
/// poll thread) with a batch that is only valid for the duration of the call; the receiver may
/// rewrite payloads in place and may call <see cref="IPacketChannel.Send"/> from inside the call.
/// Must not throw: a bad packet is a counted drop, not an exception.
/// </summary>
public interface IPacketReceiver
{
    void OnReceived(IPacketChannel channel, PacketBatch batch);
}

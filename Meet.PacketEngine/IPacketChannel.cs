namespace Meet.PacketEngine;

/// <summary>
/// One bound local endpoint. Receiving starts when it is bound and delivers to its
/// <see cref="IPacketReceiver"/>; sending is batched and safe to call from any thread.
/// </summary>
public interface IPacketChannel : IAsyncDisposable
{
    PacketAddress LocalAddress { get; }

    PacketProtocol Protocol { get; }

    PacketChannelCounters Counters { get; }

    /// <summary>
    /// Sends every datagram of <paramref name="batch"/> to its address and returns how many were
    /// handed to the kernel or NIC; the rest are counted as drops. The batch is not modified and
    /// may be reused as soon as this returns.
    /// </summary>
    int Send(PacketBatch batch);
}

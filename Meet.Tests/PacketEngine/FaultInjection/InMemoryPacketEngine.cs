using System.Collections.Concurrent;
using Meet.PacketEngine;

namespace Meet.Tests.PacketEngine.FaultInjection;

// A lossless, synchronous engine: Send hands each datagram straight to the receiver bound at its
// address. Lets decorator tests count every datagram without a kernel in the way.
public sealed class InMemoryPacketEngine : IPacketEngine
{
    private readonly ConcurrentDictionary<PacketAddress, Channel> _channels = new();
    private int _nextPort = 20000;

    public PacketEngineBackend Backend => PacketEngineBackend.Sockets;

    public IPacketChannel Bind(PacketAddress localAddress, PacketProtocol protocol, IPacketReceiver receiver)
    {
        var address = localAddress.Port == 0 ? localAddress.WithPort((ushort)Interlocked.Increment(ref _nextPort)) : localAddress;
        var channel = new Channel(this, address, protocol, receiver);
        if (!_channels.TryAdd(address, channel))
            throw new PacketEngineException($"{address} is already bound.");
        return channel;
    }

    public ValueTask DisposeAsync()
    {
        _channels.Clear();
        return ValueTask.CompletedTask;
    }

    private sealed class Channel(InMemoryPacketEngine engine, PacketAddress localAddress, PacketProtocol protocol, IPacketReceiver receiver) : IPacketChannel
    {
        public PacketAddress LocalAddress => localAddress;

        public PacketProtocol Protocol => protocol;

        public PacketChannelCounters Counters { get; } = new();

        public int Send(PacketBatch batch)
        {
            var sent = 0;
            long bytes = 0;
            for (var i = 0; i < batch.Count; i++)
            {
                if (!engine._channels.TryGetValue(batch.GetAddress(i), out var destination))
                {
                    Counters.AddDrop(DropReason.UnknownPeer);
                    continue;
                }
                var single = new PacketBatch(1, batch.SlotSize);
                single.TryAdd(batch[i], localAddress);
                destination.Counters.AddReceived(1, single.GetLength(0));
                destination.Deliver(single);
                sent++;
                bytes += batch.GetLength(i);
            }
            Counters.AddSent(sent, bytes);
            return sent;
        }

        private void Deliver(PacketBatch batch) => receiver.OnReceived(this, batch);

        public ValueTask DisposeAsync()
        {
            engine._channels.TryRemove(localAddress, out _);
            return ValueTask.CompletedTask;
        }
    }
}

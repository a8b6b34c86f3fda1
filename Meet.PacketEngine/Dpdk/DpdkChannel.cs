namespace Meet.PacketEngine.Dpdk;

/// <summary>One bound UDP port on the engine's address.</summary>
internal sealed class DpdkChannel : IPacketChannel
{
    private readonly DpdkPacketEngine _engine;

    public DpdkChannel(DpdkPacketEngine engine, PacketAddress localAddress, IPacketReceiver receiver, int burst, int slotSize)
    {
        _engine = engine;
        LocalAddress = localAddress;
        Receiver = receiver;
        Pending = new PacketBatch(burst, slotSize);
    }

    public PacketAddress LocalAddress { get; }

    public PacketProtocol Protocol => PacketProtocol.Udp;

    public PacketChannelCounters Counters { get; } = new();

    public IPacketReceiver Receiver { get; }

    /// <summary>Filled and delivered by the poll thread only, once per rx burst.</summary>
    public PacketBatch Pending { get; }

    public int Send(PacketBatch batch) => _engine.Send(this, batch);

    public ValueTask DisposeAsync()
    {
        _engine.Unbind(this);
        return ValueTask.CompletedTask;
    }
}

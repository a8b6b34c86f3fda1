namespace Meet.PacketEngine.FaultInjection.Internal;

internal sealed class FaultInjectingPacketEngine : IPacketEngine
{
    private readonly IPacketEngine _inner;
    private readonly FaultInjectionOptions _options;
    private readonly TimeProvider _time;
    private int _channels;

    public FaultInjectingPacketEngine(IPacketEngine inner, FaultInjectionOptions options, TimeProvider time)
    {
        FaultInjectionOptionsValidator.ThrowIfInvalid(options);
        _inner = inner;
        _options = options;
        _time = time;
    }

    public PacketEngineBackend Backend => _inner.Backend;

    public IPacketChannel Bind(PacketAddress localAddress, PacketProtocol protocol, IPacketReceiver receiver)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        // Channels bound in the same order get the same seeds, so a test run replays exactly.
        var seed = unchecked(_options.Seed + Interlocked.Increment(ref _channels) * 7919);
        var channel = new FaultInjectingChannel(_options, _time, seed, receiver);
        try
        {
            channel.Attach(_inner.Bind(localAddress, protocol, channel));
        }
        catch
        {
            channel.ReceiveStage?.Dispose();
            channel.SendStage?.Dispose();
            throw;
        }
        return channel;
    }

    public ValueTask DisposeAsync() => _inner.DisposeAsync();
}

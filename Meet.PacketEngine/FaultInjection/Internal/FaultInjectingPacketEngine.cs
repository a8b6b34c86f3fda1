namespace Meet.PacketEngine.FaultInjection.Internal;

internal sealed class FaultInjectingPacketEngine : IPacketEngine
{
    private readonly IPacketEngine _inner;
    private readonly FaultInjectionOptions _options;
    private readonly TimeProvider _time;
    private readonly PathImpairmentTable _paths;
    private readonly List<FaultInjectingChannel> _channels = [];
    private int _bound;

    public FaultInjectingPacketEngine(IPacketEngine inner, FaultInjectionOptions options, TimeProvider time, PathImpairmentTable? paths = null)
    {
        FaultInjectionOptionsValidator.ThrowIfInvalid(options);
        _inner = inner;
        _options = options;
        _time = time;
        _paths = paths ?? new PathImpairmentTable(time, options.MaxDatagramSize);
        foreach (var path in options.Paths)
            _paths.Set(FaultInjectionOptionsValidator.ParseDestination(path.Destination), path.ToImpairment(options.Seed));
    }

    public IPathImpairments Paths => _paths;

    public PacketEngineBackend Backend => _inner.Backend;

    public IPacketChannel Bind(PacketAddress localAddress, PacketProtocol protocol, IPacketReceiver receiver)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        if (_options.Protocol is { } only && only != protocol)
            return _inner.Bind(localAddress, protocol, receiver);
        // Channels bound in the same order get the same seeds, so a test run replays exactly.
        FaultInjectingChannel channel;
        lock (_channels)
        {
            var seed = unchecked(_options.Seed + ++_bound * 7919);
            channel = new FaultInjectingChannel(_options, _time, seed, receiver, Remove, _paths);
            _channels.Add(channel);
        }
        try
        {
            channel.Attach(_inner.Bind(localAddress, protocol, channel));
        }
        catch
        {
            channel.ReceiveStage?.Dispose();
            channel.SendStage?.Dispose();
            Remove(channel);
            throw;
        }
        return channel;
    }

    private void Remove(FaultInjectingChannel channel)
    {
        lock (_channels)
            _channels.Remove(channel);
    }

    public async ValueTask DisposeAsync()
    {
        FaultInjectingChannel[] channels;
        lock (_channels)
            channels = [.. _channels];
        foreach (var channel in channels)
            await channel.DisposeAsync().ConfigureAwait(false);
        _paths.Dispose();
        await _inner.DisposeAsync().ConfigureAwait(false);
    }
}

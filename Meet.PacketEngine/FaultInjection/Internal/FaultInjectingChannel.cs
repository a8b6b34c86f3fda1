namespace Meet.PacketEngine.FaultInjection.Internal;

// Sits between the backend and the application: the backend delivers to this receiver, which
// impairs and forwards to the application's receiver (passing itself as the channel, so replies
// take the impaired send path too); sends are impaired before reaching the backend's channel.
internal sealed class FaultInjectingChannel : IPacketChannel, IPacketReceiver
{
    private readonly IPacketReceiver _receiver;
    private readonly FaultStage? _receiveStage;
    private readonly FaultStage? _sendStage;
    private readonly Action<FaultInjectingChannel> _onDisposed;
    private readonly PathImpairmentTable? _paths;
    private readonly PacketBatchPool? _unimpaired;
    private IPacketChannel? _inner;

    public FaultInjectingChannel(FaultInjectionOptions options, TimeProvider time, int seed, IPacketReceiver receiver,
        Action<FaultInjectingChannel> onDisposed, PathImpairmentTable? paths = null)
    {
        _receiver = receiver;
        _onDisposed = onDisposed;
        _paths = paths;
        if (paths is not null)
            _unimpaired = new PacketBatchPool(UnimpairedBatchSize, 16, options.MaxDatagramSize);
        if (!options.ImpairsEveryDatagram)
            return;
        // Distinct seeds per direction keep the two directions' losses uncorrelated.
        if (options.Direction.HasFlag(FaultDirection.Receive))
            _receiveStage = new FaultStage(options, time, seed, options.MaxDatagramSize, () => _inner?.Counters, DeliverToReceiver);
        if (options.Direction.HasFlag(FaultDirection.Send))
            _sendStage = new FaultStage(options, time, unchecked(seed * 31 + 17), options.MaxDatagramSize, () => _inner?.Counters, SendToInner);
    }

    public PacketAddress LocalAddress => Inner.LocalAddress;

    public PacketProtocol Protocol => Inner.Protocol;

    public PacketChannelCounters Counters => Inner.Counters;

    private IPacketChannel Inner => _inner ?? throw new InvalidOperationException("The channel is not bound yet.");

    internal FaultStage? ReceiveStage => _receiveStage;

    internal FaultStage? SendStage => _sendStage;

    internal void Attach(IPacketChannel inner) => _inner ??= inner;

    public void OnReceived(IPacketChannel channel, PacketBatch batch)
    {
        // The backend may deliver before Bind has returned and Attach has run.
        _inner ??= channel;
        if (_receiveStage is null)
            _receiver.OnReceived(this, batch);
        else
            _receiveStage.Process(batch);
    }

    private const int UnimpairedBatchSize = 64;

    // Datagrams to an impaired destination go through that path's stage; the rest pass on together.
    public int Send(PacketBatch batch)
    {
        if (_paths is not { Count: > 0 } paths || _unimpaired is null)
            return SendPastPaths(batch);
        if (!_unimpaired.TryRent(out var rest))
        {
            Inner.Counters.AddDrop(DropReason.NoBuffer, batch.Count);
            return 0;
        }
        var accepted = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var payload = batch[i];
            var address = batch.GetAddress(i);
            if (paths.TryImpair(payload, address, this, out var taken))
            {
                accepted += taken ? 1 : 0;
                continue;
            }
            if (payload.Length > _unimpaired.SlotSize)
            {
                Inner.Counters.AddDrop(DropReason.Oversized);
                continue;
            }
            rest.TryAdd(payload, address);
            if (rest.IsFull)
            {
                accepted += SendPastPaths(rest);
                rest.Clear();
            }
        }
        if (rest.Count > 0)
            accepted += SendPastPaths(rest);
        rest.Clear();
        _unimpaired.Return(rest);
        return accepted;
    }

    // After any path impairment: the whole-channel send stage, then the backend.
    internal int SendPastPaths(PacketBatch batch) => _sendStage is null ? Inner.Send(batch) : _sendStage.Process(batch);

    private void DeliverToReceiver(PacketBatch batch)
    {
        try
        {
            _receiver.OnReceived(this, batch);
        }
        catch (Exception)
        {
            // Delayed datagrams arrive on a timer thread, outside the backend's own guard.
            _inner?.Counters.AddDrop(DropReason.ReceiverFault, batch.Count);
        }
    }

    private void SendToInner(PacketBatch batch) => _inner?.Send(batch);

    public async ValueTask DisposeAsync()
    {
        _receiveStage?.Dispose();
        _sendStage?.Dispose();
        _onDisposed(this);
        if (_inner is not null)
            await _inner.DisposeAsync().ConfigureAwait(false);
    }
}

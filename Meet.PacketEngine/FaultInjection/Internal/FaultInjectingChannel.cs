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
    private IPacketChannel? _inner;

    public FaultInjectingChannel(FaultInjectionOptions options, TimeProvider time, int seed, IPacketReceiver receiver,
        Action<FaultInjectingChannel> onDisposed)
    {
        _receiver = receiver;
        _onDisposed = onDisposed;
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

    public int Send(PacketBatch batch) => _sendStage is null ? Inner.Send(batch) : _sendStage.Process(batch);

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

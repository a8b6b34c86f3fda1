using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Meet.PacketEngine.Sockets.Internal;

// Passive ICE-TCP (RFC 6544): accepts connections and exchanges RFC 4571 framed datagrams, so a
// client whose UDP is blocked reaches the same IPacketReceiver. Each TCP peer is addressed by its
// remote transport address, exactly like a UDP peer.
internal sealed class IceTcpChannel : IPacketChannel
{
    private const int ListenBacklog = 512;
    // Bounds the batches in flight across all connections; each connection holds one while it delivers.
    private const int MaxBatches = 256;

    private readonly SocketsPacketEngine _engine;
    private readonly Socket _listener;
    private readonly IPacketReceiver _receiver;
    private readonly ILogger _logger;
    private readonly SocketsPacketEngineOptions _options;
    private readonly ConcurrentDictionary<PacketAddress, IceTcpConnection> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _accepting = Task.CompletedTask;
    private int _disposed;
    private int _receiverFaultLogged;

    private IceTcpChannel(SocketsPacketEngine engine, Socket listener, IPacketReceiver receiver, SocketsPacketEngineOptions options, ILogger logger)
    {
        _engine = engine;
        _listener = listener;
        _receiver = receiver;
        _options = options;
        _logger = logger;
        LocalAddress = PacketAddress.FromEndPoint((IPEndPoint)listener.LocalEndPoint!);
        Batches = new PacketBatchPool(options.BatchSize, MaxBatches, options.SlotSize);
    }

    public PacketAddress LocalAddress { get; }

    public PacketProtocol Protocol => PacketProtocol.IceTcp;

    public PacketChannelCounters Counters { get; } = new();

    internal PacketBatchPool Batches { get; }

    internal int SlotSize => _options.SlotSize;

    internal int ConnectionCount => _connections.Count;

    internal ILogger Logger => _logger;

    public static IceTcpChannel Listen(SocketsPacketEngine engine, PacketAddress localAddress, IPacketReceiver receiver,
        SocketsPacketEngineOptions options, ILogger logger)
    {
        var endPoint = localAddress.ToEndPoint();
        var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6 && endPoint.Address.Equals(IPAddress.IPv6Any))
                listener.DualMode = true;
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(endPoint);
            listener.Listen(ListenBacklog);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        var channel = new IceTcpChannel(engine, listener, receiver, options, logger);
        channel._accepting = channel.AcceptLoopAsync();
        SocketsLog.IceTcpListening(logger, channel.LocalAddress);
        return channel;
    }

    private async Task AcceptLoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(token).ConfigureAwait(false);
            }
            catch (Exception) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
            {
                continue;
            }
            catch (Exception ex)
            {
                SocketsLog.IceTcpAcceptFailed(_logger, LocalAddress, ex);
                return;
            }
            Accept(socket);
        }
    }

    private void Accept(Socket socket)
    {
        PacketAddress remote;
        try
        {
            remote = PacketAddress.FromEndPoint((IPEndPoint)socket.RemoteEndPoint!);
            socket.NoDelay = true;
        }
        catch (SocketException)
        {
            socket.Dispose();
            return;
        }
        if (_connections.Count >= _options.MaxIceTcpConnections)
        {
            SocketsLog.IceTcpConnectionLimit(_logger, remote, _options.MaxIceTcpConnections);
            socket.Dispose();
            return;
        }
        var connection = new IceTcpConnection(this, socket, remote, _options.MaxIceTcpPendingSendBytes);
        if (!_connections.TryAdd(remote, connection))
        {
            socket.Dispose();
            return;
        }
        connection.Start();
    }

    public int Send(PacketBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var sent = 0;
        long bytes = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            if (!_connections.TryGetValue(batch.GetAddress(i), out var connection))
            {
                Counters.AddDrop(DropReason.UnknownPeer);
                continue;
            }
            switch (connection.TryEnqueue(batch[i]))
            {
                case IceTcpConnection.EnqueueResult.Queued:
                    sent++;
                    bytes += batch.GetLength(i);
                    break;
                case IceTcpConnection.EnqueueResult.Full:
                    Counters.AddDrop(DropReason.NoBuffer);
                    break;
                default:
                    Counters.AddDrop(DropReason.UnknownPeer);
                    break;
            }
        }
        Counters.AddSent(sent, bytes);
        return sent;
    }

    internal void Deliver(PacketBatch batch)
    {
        try
        {
            _receiver.OnReceived(this, batch);
        }
        catch (Exception ex)
        {
            Counters.AddDrop(DropReason.ReceiverFault, batch.Count);
            if (Interlocked.Exchange(ref _receiverFaultLogged, 1) == 0)
                SocketsLog.ReceiverThrew(_logger, LocalAddress, ex);
        }
    }

    internal void OnClosed(IceTcpConnection connection) =>
        _connections.TryRemove(new KeyValuePair<PacketAddress, IceTcpConnection>(connection.RemoteAddress, connection));

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accepting.ConfigureAwait(false);
        foreach (var connection in _connections.Values)
            await connection.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _engine.Remove(this);
    }
}

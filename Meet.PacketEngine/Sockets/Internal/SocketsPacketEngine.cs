using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Meet.PacketEngine.Sockets.Internal;

internal sealed class SocketsPacketEngine : IPacketEngine
{
    private readonly SocketsPacketEngineOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly List<IPacketChannel> _channels = [];
    private bool _disposed;

    public SocketsPacketEngine(SocketsPacketEngineOptions options, ILoggerFactory loggerFactory)
    {
        SocketsPacketEngineOptionsValidator.ThrowIfInvalid(options);
        _options = options;
        _loggerFactory = loggerFactory;
    }

    public PacketEngineBackend Backend => PacketEngineBackend.Sockets;

    public IPacketChannel Bind(PacketAddress localAddress, PacketProtocol protocol, IPacketReceiver receiver)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        lock (_channels)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            IPacketChannel channel;
            try
            {
                channel = protocol switch
                {
                    PacketProtocol.Udp => UdpChannel.Bind(this, localAddress, receiver, _options, _loggerFactory.CreateLogger<UdpChannel>()),
                    PacketProtocol.IceTcp => IceTcpChannel.Listen(this, localAddress, receiver, _options, _loggerFactory.CreateLogger<IceTcpChannel>()),
                    _ => throw new PacketEngineException($"The sockets packet engine does not support protocol {protocol}."),
                };
            }
            catch (SocketException ex)
            {
                throw new PacketEngineException($"Cannot bind {protocol} {localAddress}: {ex.SocketErrorCode} ({ex.Message}).", ex);
            }
            _channels.Add(channel);
            return channel;
        }
    }

    internal void Remove(IPacketChannel channel)
    {
        lock (_channels)
            _channels.Remove(channel);
    }

    public async ValueTask DisposeAsync()
    {
        IPacketChannel[] channels;
        lock (_channels)
        {
            if (_disposed)
                return;
            _disposed = true;
            channels = [.. _channels];
        }
        foreach (var channel in channels)
            await channel.DisposeAsync().ConfigureAwait(false);
    }
}

using Meet.PacketEngine.Sockets.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Meet.PacketEngine.Sockets;

/// <summary>Creates a kernel-sockets engine without a host (tools, benchmarks, tests); the host uses AddSocketsPacketEngine.</summary>
public static class SocketsPacketEngineFactory
{
    /// <summary>Throws <see cref="PacketEngineException"/> naming the key when <paramref name="options"/> is invalid.</summary>
    public static IPacketEngine Create(SocketsPacketEngineOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SocketsPacketEngine(options, loggerFactory ?? NullLoggerFactory.Instance);
    }
}

using Microsoft.Extensions.Logging;

namespace Meet.PacketEngine.Sockets.Internal;

internal static partial class SocketsLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information,
        Message = "UDP channel bound to {LocalAddress}: {Loops} receive loop(s), receive={ReceiveMode}, send={SendMode}, GSO={Gso}")]
    public static partial void UdpChannelBound(ILogger logger, PacketAddress localAddress, int loops, string receiveMode, string sendMode, bool gso);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning,
        Message = "UDP GSO refused by the kernel on {LocalAddress} (errno {Errno}); sending datagrams one by one from now on")]
    public static partial void GsoDisabled(ILogger logger, PacketAddress localAddress, int errno);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Error,
        Message = "Packet receiver threw on {LocalAddress}; the batch is counted as ReceiverFault and further faults are only counted")]
    public static partial void ReceiverThrew(ILogger logger, PacketAddress localAddress, Exception exception);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Error,
        Message = "Receive loop on {LocalAddress} failed with errno {Errno}; retrying")]
    public static partial void ReceiveFailed(ILogger logger, PacketAddress localAddress, int errno);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Information,
        Message = "ICE-TCP listener bound to {LocalAddress}")]
    public static partial void IceTcpListening(ILogger logger, PacketAddress localAddress);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Warning,
        Message = "ICE-TCP connection from {RemoteAddress} refused: {Limit} connections already open")]
    public static partial void IceTcpConnectionLimit(ILogger logger, PacketAddress remoteAddress, int limit);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Warning,
        Message = "ICE-TCP connection from {RemoteAddress} closed: RFC 4571 length {Length} exceeds the slot size {SlotSize}")]
    public static partial void IceTcpBadFraming(ILogger logger, PacketAddress remoteAddress, int length, int slotSize);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Debug,
        Message = "ICE-TCP connection from {RemoteAddress} ended")]
    public static partial void IceTcpConnectionClosed(ILogger logger, PacketAddress remoteAddress, Exception? exception);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Error,
        Message = "ICE-TCP accept loop on {LocalAddress} failed")]
    public static partial void IceTcpAcceptFailed(ILogger logger, PacketAddress localAddress, Exception exception);
}

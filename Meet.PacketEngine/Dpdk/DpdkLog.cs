using Microsoft.Extensions.Logging;

namespace Meet.PacketEngine.Dpdk;

internal static partial class DpdkLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "DPDK port {Port} ({Driver}) started: {Ip} at {Mac}, {RxBurst}-frame bursts")]
    public static partial void PortStarted(ILogger logger, ushort port, string driver, string ip, string mac, int rxBurst);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "rte_thread_register failed for the DPDK poll thread ({Error}); polling continues without a mempool cache")]
    public static partial void ThreadRegisterFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Error, Message = "A packet receiver threw on DPDK channel {Local}; the batch was dropped")]
    public static partial void ReceiverThrew(ILogger logger, Exception exception, PacketAddress local);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "DPDK port {Port} stopped")]
    public static partial void PortStopped(ILogger logger, ushort port);
}

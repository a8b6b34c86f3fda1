using Meet.PacketEngine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meet.Modules.Media.Internal;

// Binds Media:UdpPort on the packet engine at start-up (a bind failure stops the host with the
// engine's error) and releases it at shutdown. Taking MediaMetrics creates the media meter with the port.
#pragma warning disable CS9113 // metrics: held for its instruments, which the meter keeps
internal sealed partial class MediaPortService(MediaModule module, IPacketEngine engine, IOptions<MediaOptions> options,
    ILogger<MediaPortService> logger, MediaMetrics metrics) : IHostedService
#pragma warning restore CS9113
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var tcpError = module.Start(engine, options.Value.UdpPort, options.Value.IceTcp,
            string.IsNullOrEmpty(options.Value.BindAddress) ? null : System.Net.IPAddress.Parse(options.Value.BindAddress));
        LogBound(module.PublicIp, module.Port, engine.Backend.ToString());
        if (module.TcpPort != 0)
            LogIceTcp(module.TcpPort);
        else if (tcpError is not null)
            LogNoIceTcp(tcpError, module.Port, tcpError.Message);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await module.DisposeAsync().ConfigureAwait(false);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Media port bound; announcing {PublicIp}:{Port} ({Backend} engine)")]
    private partial void LogBound(string publicIp, int port, string backend);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "ICE-TCP listener (passive, RFC 6544) on TCP port {Port}")]
    private partial void LogIceTcp(int port);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "No ICE-TCP on port {Port}, UDP only: {Reason}")]
    private partial void LogNoIceTcp(Exception exception, int port, string reason);
}

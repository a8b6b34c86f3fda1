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
        module.Start(engine, options.Value.UdpPort);
        LogBound(module.PublicIp, module.Port, engine.Backend.ToString());
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await module.DisposeAsync().ConfigureAwait(false);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Media port bound; announcing {PublicIp}:{Port} ({Backend} engine)")]
    private partial void LogBound(string publicIp, int port, string backend);
}

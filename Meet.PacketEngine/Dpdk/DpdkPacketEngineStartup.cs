using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Meet.PacketEngine.Dpdk;

/// <summary>
/// Resolving the engine is what starts it (EAL, port, poll thread); doing it from a hosted service
/// makes a bad configuration fail host start-up instead of the first Bind, much later.
/// </summary>
internal sealed class DpdkPacketEngineStartup(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<IPacketEngine>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using Meet.Modules.Media;
using Meet.Modules.Media.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Meet.Tests.Media.Internal;

// The media module as the host composes it (AddMediaModule + its hosted service), on a free loopback port.
// Per-track mode (Media:BoundedSlots=false: an m-section per published track, msid = publisher):
// MediaModuleTests are the configuration path's test of that mode; bounded slots, the default, are
// tested through the host everywhere else.
internal sealed class SfuTestServer : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly IHostedService[] _hosted;

    private SfuTestServer(ServiceProvider services, IHostedService[] hosted)
    {
        _services = services;
        _hosted = hosted;
    }

    public IMediaModule Module => _services.GetRequiredService<IMediaModule>();

    internal MediaModule Internals => _services.GetRequiredService<MediaModule>();

    public static async Task<SfuTestServer> StartAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Media:UdpPort"] = "0",
            ["Node:PublicIp"] = "127.0.0.1",
            ["PacketEngine:Sockets:ReceiveLoops"] = "1",
            ["Media:BoundedSlots"] = "false",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddMediaModule(configuration).BuildServiceProvider();
        var hosted = services.GetServices<IHostedService>().ToArray();
        foreach (var service in hosted)
            await service.StartAsync(CancellationToken.None);
        return new SfuTestServer(services, hosted);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _hosted.Reverse())
            await service.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
    }
}

using System.Globalization;
using Meet.Modules.Signaling.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Meet.Benchmarks.Signaling;

// The real host in this process for the signaling measurements: SQLite in a temporary folder, free
// loopback ports for HTTP, gRPC and media, join rate limits out of the way.
internal sealed class InProcessMeetHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private InProcessMeetHost(WebApplication app)
    {
        this.app = app;
        BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        GrpcAddress = app.Services.GetRequiredService<GrpcEndpoint>().Address;
    }

    public Uri BaseAddress { get; }

    public Uri? GrpcAddress { get; }

    public IServiceProvider Services => app.Services;

    public static async Task<InProcessMeetHost> StartAsync(IEnumerable<string>? extraArguments = null)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("meet-bench-").FullName;
        var app = global::Program.BuildApp(
        [
            $"--contentRoot={AppContext.BaseDirectory}",
            "--urls=http://127.0.0.1:0",
            "--Signaling:GrpcUrl=http://127.0.0.1:0",
            "--Media:UdpPort=0",
            "--Logging:LogLevel:Default=Warning",
            $"--Storage:DataDirectory={dataDirectory}",
            "--RateLimiting:Join:TokenLimit=100000000",
            "--RateLimiting:Join:TokensPerPeriod=100000000",
            "--Node:DrainTimeout=00:00:00",
            // A machine busy with the measurement must not look like a dead node to the allocator.
            "--Node:StaleAfter=00:05:00",
            .. extraArguments ?? [],
        ]);
        await app.StartAsync();
        return new InProcessMeetHost(app);
    }

    // "--name value" from a command line, or the fallback.
    public static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

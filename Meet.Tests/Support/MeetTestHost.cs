using Meet.Modules.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Meet.Tests.Support;

// The real Meet host (Program.BuildApp, the same composition as `dotnet run`) on a real
// loopback port, in this process.
internal sealed class MeetTestHost : IAsyncDisposable
{
    // Tests sign their own tokens (expired, other meeting) with this key.
    public const string SigningKey = "meet-tests-signing-key-0123456789abcdef";
    public const string PublicBaseUrl = "https://meet.example.test";
    public const string Region = "test-region";

    private readonly WebApplication app;
    private bool disposed;

    private MeetTestHost(WebApplication app, Uri baseAddress, string dataDirectory)
    {
        this.app = app;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress { get; }

    public string DataDirectory { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => app.Services;

    public T Get<T>() where T : notnull => app.Services.GetRequiredService<T>();

    public static async Task<MeetTestHost> StartAsync(
        StorageProvider provider,
        string? dataDirectory = null,
        IReadOnlyDictionary<string, string>? settings = null,
        bool withSigningKey = true,
        Action<IServiceCollection>? services = null)
    {
        dataDirectory ??= TempDirectory.Create("meet-host-");
        var config = new Dictionary<string, string>
        {
            ["contentRoot"] = AppContext.BaseDirectory,
            ["urls"] = "http://127.0.0.1:0",
            // gRPC signaling's HTTP/2-only endpoint, also on a free port (appsettings.json says 5001).
            ["Signaling:GrpcUrl"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
            // Every test host listens on loopback on purpose: its "serves only this machine" warning is noise here.
            ["Logging:LogLevel:Meet.Modules.Hosting.Internal.ReachabilityReporter"] = "Error",
            ["Storage:Provider"] = provider.ToString(),
            ["Storage:DataDirectory"] = dataDirectory,
            ["PublicBaseUrl"] = PublicBaseUrl,
            ["Node:Region"] = Region,
            ["Node:DrainTimeout"] = "00:00:00",
            // The 2 s staleness rule is tested with a manual clock (MediaNodeAllocatorTests); here a
            // CI machine stalled for 2 s must not turn joins into 503s.
            ["Node:StaleAfter"] = "00:00:30",
            ["RateLimiting:Join:TokenLimit"] = "1000000",
            ["RateLimiting:Join:TokensPerPeriod"] = "1000000",
            // Test hosts run side by side: each takes a free media port and announces it.
            ["Media:UdpPort"] = "0",
        };
        if (withSigningKey)
            config["Auth:SigningKey"] = SigningKey;
        if (provider == StorageProvider.Postgres)
            config["Storage:PostgresConnectionString"] = await (await PostgresServer.SharedAsync().ConfigureAwait(false)).CreateDatabaseAsync().ConfigureAwait(false);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            config[key] = value;

        var app = Program.BuildApp(config.Select(pair => $"--{pair.Key}={pair.Value}").ToArray(), services);
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new MeetTestHost(app, new Uri(address), dataDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        if (disposed)
            return;
        disposed = true;
        Client.Dispose();
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }
}

using Meet.Modules.Allocation;
using Meet.Modules.Meetings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meet.Modules.Hosting.Internal;

// Logs ReachabilityCheck's warnings once at start-up.
internal sealed partial class ReachabilityReporter(
    IConfiguration configuration,
    IOptions<NodeOptions> node,
    IOptions<MeetingsOptions> meetings,
    IOptions<HttpsOptions> https,
    IOptions<ReverseProxyOptions> proxy,
    ILogger<ReachabilityReporter> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var urls = configuration.GetSection("Kestrel:Endpoints").Exists() ? "" : ListenAddresses.Urls(configuration);
        foreach (var warning in ReachabilityCheck.Warnings(urls, node.Value.PublicIp, meetings.Value.PublicBaseUrl, https.Value.Enabled, proxy.Value.Enabled))
            LogWarning(warning);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "{Warning}")]
    private partial void LogWarning(string warning);
}

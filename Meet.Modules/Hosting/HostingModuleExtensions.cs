using System.Net;
using Meet.Modules.Hosting.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Meet.Modules.Hosting;

// Cross-cutting HTTP concerns: problem+json for every error, OpenAPI, health, Prometheus metrics, TLS
// (HTTPS, redirect, HSTS), forwarded headers behind a reverse proxy, and the start-up reachability check.
public static class HostingModuleExtensions
{
    // Every Meet meter is named "Meet.<Module>".
    private const string MeetMeters = "Meet.*";

    public static IServiceCollection AddHostingModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HttpsOptions>().Bind(configuration.GetSection(HttpsOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HttpsOptions>, HttpsOptionsValidator>();
        services.AddOptions<ReverseProxyOptions>().Bind(configuration.GetSection(ReverseProxyOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReverseProxyOptions>, ReverseProxyOptionsValidator>();
        services.AddSingleton<ServerCertificate>();
        // Every HTTPS endpoint without a certificate of its own (`urls`, the defaults, gRPC) uses Https:CertificatePath.
        services.AddOptions<KestrelServerOptions>().Configure<ServerCertificate, IOptions<HttpsOptions>>((kestrel, certificate, https) =>
        {
            if (certificate.GetOrLoad(https.Value).Certificate is { } serverCertificate)
                kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = serverCertificate);
        });
        services.AddHsts(_ => { });
        services.AddOptions<HstsOptions>().Configure<IOptions<HttpsOptions>>((hsts, https) => hsts.MaxAge = https.Value.HstsMaxAge);
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ReverseProxyOptions>>((forwarded, proxy) => ConfigureForwardedHeaders(forwarded, proxy.Value));
        services.AddHostedService<ReachabilityReporter>();
        services.AddProblemDetails();
        services.AddOpenApi();
        services.AddHealthChecks();
        services.AddRateLimiter(_ => { });
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(MeetMeters)
            .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.RateLimiting")
            // The runtime's own (GC collections and pause time, thread pool, CPU): a latency investigation
            // needs the GC's pauses next to the SFU's figures (issue 14).
            .AddMeter("System.Runtime")
            .AddPrometheusExporter());
        return services;
    }

    // Middleware first in the pipeline: forwarded headers (so rate limits and joinUrl see the real client),
    // HSTS and the HTTPS redirect, errors become problem+json, then rate limits apply.
    public static WebApplication UseHostingModule(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ReverseProxyOptions>>().Value.Enabled)
            app.UseForwardedHeaders();
        var https = app.Services.GetRequiredService<IOptions<HttpsOptions>>().Value;
        if (https.Enabled)
        {
            if (https.HstsMaxAge > TimeSpan.Zero)
                app.UseHsts();
            // gRPC clients on the cleartext HTTP/2 endpoint (Signaling:GrpcUrl set explicitly) cannot follow a redirect.
            if (https.RedirectHttp)
                app.UseWhen(http => !IsGrpc(http.Request), branch => branch.UseHttpsRedirection());
        }
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRateLimiter();
        return app;
    }

    private static bool IsGrpc(HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;

    private static void ConfigureForwardedHeaders(ForwardedHeadersOptions forwarded, ReverseProxyOptions proxy)
    {
        forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
        // Loopback stays trusted (a proxy on the same machine); the validator has checked every entry.
        foreach (var address in proxy.KnownProxies)
            if (IPAddress.TryParse(address, out var ip))
                forwarded.KnownProxies.Add(ip);
        foreach (var network in proxy.KnownNetworks)
            if (System.Net.IPNetwork.TryParse(network, out var parsed))
                forwarded.KnownIPNetworks.Add(parsed);
    }

    public static IEndpointRouteBuilder MapHostingEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = HealthResponseWriter.WriteAsync });
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        endpoints.MapOpenApi();
        return endpoints;
    }
}

using Meet.Modules.Hosting.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Meet.Modules.Hosting;

// Cross-cutting HTTP concerns: problem+json for every error, OpenAPI, health, Prometheus metrics.
public static class HostingModuleExtensions
{
    // Every Meet meter is named "Meet.<Module>".
    private const string MeetMeters = "Meet.*";

    public static IServiceCollection AddHostingModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddProblemDetails();
        services.AddOpenApi();
        services.AddHealthChecks();
        services.AddRateLimiter(_ => { });
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(MeetMeters)
            .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.RateLimiting")
            .AddPrometheusExporter());
        return services;
    }

    // Middleware first in the pipeline: errors become problem+json, then rate limits apply.
    public static WebApplication UseHostingModule(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRateLimiter();
        return app;
    }

    public static IEndpointRouteBuilder MapHostingEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = HealthResponseWriter.WriteAsync });
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        endpoints.MapOpenApi();
        return endpoints;
    }
}

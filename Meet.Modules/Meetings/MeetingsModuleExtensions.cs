using System.Threading.RateLimiting;
using Meet.Modules.Meetings.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Meet.Modules.Meetings;

public static class MeetingsModuleExtensions
{
    // Needs the storage and allocation modules registered.
    public static IServiceCollection AddMeetingsModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MeetingsOptions>().Bind(configuration).ValidateOnStart();
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.SectionName)).ValidateOnStart();
        services.AddOptions<JoinRateLimitOptions>().Bind(configuration.GetSection(JoinRateLimitOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MeetingsOptions>, MeetingsOptionsValidator>();
        services.AddSingleton<IPostConfigureOptions<MeetingsOptions>>(sp => new MeetingsOptionsPostConfigure(configuration, sp.GetRequiredService<IOptions<Allocation.NodeOptions>>()));
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddSingleton<IValidateOptions<JoinRateLimitOptions>, JoinRateLimitOptionsValidator>();
        services.AddOptions<TurnOptions>().Bind(configuration.GetSection(TurnOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TurnOptions>, TurnOptionsValidator>();
        services.AddSingleton<TurnCredentialIssuer>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddMetrics();
        services.AddSingleton<MeetingsMetrics>();
        services.AddSingleton<MeetingRevocationList>();
        // Issue 15: with Redis every signaling node sees the same locks and removals.
        if (Storage.StorageModuleExtensions.IsRedisConfigured(configuration))
        {
            services.AddSingleton<RedisMeetingRevocations>();
            services.AddSingleton<IMeetingRevocations>(sp => sp.GetRequiredService<RedisMeetingRevocations>());
            services.AddHostedService(sp => sp.GetRequiredService<RedisMeetingRevocations>());
            services.AddSingleton<IMeetingLocks, RedisMeetingLocks>();
            services.AddSingleton<IValidateOptions<AuthOptions>, ClusterAuthOptionsValidator>();
        }
        else
        {
            services.AddSingleton<IMeetingRevocations>(sp => sp.GetRequiredService<MeetingRevocationList>());
            services.AddSingleton<IMeetingLocks, MeetingLockList>();
        }
        services.AddSingleton<IMeetingTokens, JwtMeetingTokens>();
        services.AddSingleton<MeetingInvitations>();
        services.AddSingleton<ExternalIdentityValidator>();
        services.AddHttpClient(ExternalIdentityValidator.HttpClientName);
        services.AddSingleton<MeetingEndNotifications>();
        services.AddSingleton<IMeetingEndNotifications>(sp => sp.GetRequiredService<MeetingEndNotifications>());
        services.AddSingleton<MeetingsService>();

        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(MeetingEndpoints.JoinRateLimitPolicy, http =>
            {
                var settings = http.RequestServices.GetRequiredService<IOptions<JoinRateLimitOptions>>().Value;
                return RateLimitPartition.GetTokenBucketLimiter(
                    http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = settings.TokenLimit,
                        TokensPerPeriod = settings.TokensPerPeriod,
                        ReplenishmentPeriod = settings.ReplenishmentPeriod,
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    });
            });
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                    http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = "Join requests from this address exceed RateLimiting:Join; back off and retry.",
                    },
                }).ConfigureAwait(false);
            };
        });
        return services;
    }

    public static IEndpointRouteBuilder MapMeetingsApi(this IEndpointRouteBuilder endpoints)
    {
        MeetingEndpoints.Map(endpoints);
        return endpoints;
    }
}

using Meet.Modules.Meetings;
using Meet.Modules.Signaling.Internal;
using Meet.Modules.Signaling.Internal.Cluster;
using Meet.Modules.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Meet.Modules.Signaling;

public static class SignalingModuleExtensions
{
    public const string HubPath = "/hubs/signaling";

    // Needs the meetings and storage modules; uses IMediaModule when one is registered.
    public static IServiceCollection AddSignalingModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SignalingOptions>().Bind(configuration.GetSection(SignalingOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SignalingOptions>, SignalingOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SessionRegistry>();
        var clustered = StorageModuleExtensions.IsRedisConfigured(configuration);
        AddMeetingSharing(services, clustered);
        services.AddSingleton<HubMeetingBroadcast>();
        services.AddOptions<SignalingConnectRateLimitOptions>().Bind(configuration.GetSection(SignalingConnectRateLimitOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SignalingConnectRateLimitOptions>, SignalingConnectRateLimitOptionsValidator>();
        services.AddSingleton<SignalingConnectLimiter>();
        services.AddRateLimiter(limiter => limiter.AddPolicy<string, SignalingConnectRateLimitPolicy>(SignalingConnectRateLimitPolicy.Name));
        services.AddHostedService<HeartbeatMonitor>();
        services.AddSingleton<EndedMeetingWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<EndedMeetingWatcher>());
        services.AddHostedService<RevocationEnforcer>();
        // A signaling-only node watches the media nodes it uses (issue 15); a node with the media role
        // serves its own sessions in-process and has nothing to fail over to.
        if (!Allocation.AllocationModuleExtensions.RolesOf(configuration).HasFlag(Allocation.NodeRoles.Media))
            services.AddHostedService<MediaFailover>();
        var grpcEndpoint = new GrpcEndpoint();
        services.AddSingleton(grpcEndpoint);
        services.AddSingleton<ISignalingAddressSource>(grpcEndpoint);
        services.Configure<KestrelServerOptions>(kestrel => grpcEndpoint.Configure(kestrel, configuration));

        var maxMessage = configuration.GetSection(SignalingOptions.SectionName).Get<SignalingOptions>()?.MaximumReceiveMessageSize
                         ?? new SignalingOptions().MaximumReceiveMessageSize;
        var signalR = services.AddSignalR(hub =>
            {
                hub.MaximumReceiveMessageSize = maxMessage;
                // Our own HubExceptions carry "<code>: message"; anything else stays generic.
                hub.EnableDetailedErrors = false;
            })
            .AddJsonProtocol()
            .AddMessagePackProtocol();
        if (clustered)
        {
            // Issue 15: the SignalR backplane on the node's one Redis connection (Redis:Configuration).
            signalR.AddStackExchangeRedis();
            services.AddOptions<Microsoft.AspNetCore.SignalR.StackExchangeRedis.RedisOptions>().Configure<IRedisConnection, IOptions<Storage.RedisOptions>>((backplane, redis, settings) =>
            {
                backplane.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal(settings.Value.KeyPrefix + "signalr:");
                backplane.ConnectionFactory = async _ => await redis.Connected.ConfigureAwait(false);
            });
        }
        // Both hub protocols behind GuardedHubProtocol: any parse failure is a protocol error (fuzzing found
        // MessagePack letting other exceptions out).
        services.RemoveAll<IHubProtocol>();
        services.AddSingleton<IHubProtocol>(sp => new GuardedHubProtocol(new JsonHubProtocol(sp.GetRequiredService<IOptions<JsonHubProtocolOptions>>())));
        services.AddSingleton<IHubProtocol>(sp => new GuardedHubProtocol(new MessagePackHubProtocol(sp.GetRequiredService<IOptions<MessagePackHubProtocolOptions>>())));
        services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = maxMessage;
            grpc.EnableDetailedErrors = false;
            // gRPC's catch-all "/{service}/{method}" for unknown services would otherwise win over REST
            // routes like POST /v1/meetings when a request's content type rules the REST endpoint out.
            grpc.IgnoreUnknownServices = true;
        });
        return services;
    }

    // Meeting state, the session map and the events between signaling nodes: in-process on a single node,
    // Redis when Redis:Configuration is set (issue 15).
    private static void AddMeetingSharing(IServiceCollection services, bool clustered)
    {
        services.AddSingleton<InMemoryMeetingState>();
        if (!clustered)
        {
            services.AddSingleton<IMeetingState>(sp => sp.GetRequiredService<InMemoryMeetingState>());
            services.AddSingleton<ISessionMap, InMemorySessionMap>();
            services.AddSingleton<IMeetingFanout, LocalMeetingFanout>();
            return;
        }
        services.AddSingleton<IMeetingState, RedisMeetingState>();
        services.AddSingleton<ISessionMap, RedisSessionMap>();
        services.AddSingleton<RedisMeetingFanout>();
        services.AddSingleton<IMeetingFanout>(sp => sp.GetRequiredService<RedisMeetingFanout>());
        services.AddHostedService(sp => sp.GetRequiredService<RedisMeetingFanout>());
        services.AddHostedService<ClusterRosterSync>();
    }

    public static IEndpointRouteBuilder MapSignaling(this IEndpointRouteBuilder endpoints)
    {
        var hub = endpoints.MapHub<SignalingHub>(HubPath);
        hub.Add(HubAuthentication.Require);
        // Before authentication: a storm's excess costs a 429, not a token validation.
        hub.RequireRateLimiting(SignalingConnectRateLimitPolicy.Name);
        endpoints.MapGrpcService<SignalingGrpcService>();
        return endpoints;
    }
}

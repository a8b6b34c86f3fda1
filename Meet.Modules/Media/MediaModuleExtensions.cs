using Meet.Modules.Allocation;
using Meet.Modules.Media.Internal;
using Meet.Modules.Media.Mixing;
using Meet.Modules.Media.Remote;
using Meet.Modules.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using System.Net;
using Microsoft.AspNetCore.Http;
using Meet.PacketEngine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meet.Modules.Media;

public static class MediaModuleExtensions
{
    // The SFU and the packet engine it runs on; the media port is bound by a hosted service at start-up.
    public static IServiceCollection AddMediaModule(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddPacketEngine(configuration);
        services.AddOptions<MediaOptions>().Bind(configuration.GetSection(MediaOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MediaOptions>, MediaOptionsValidator>();
        // Node:PublicIp is owned (and validated) by the allocation module; the SFU announces it as its candidate.
        services.AddOptions<NodeOptions>().Bind(configuration.GetSection(NodeOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new MediaModule(sp.GetRequiredService<IOptions<NodeOptions>>().Value.PublicIp,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<MediaOptions>>().Value.SubscriberAnswerTimeout,
            sp.GetRequiredService<IOptions<MediaOptions>>().Value.LastN, sp.GetRequiredService<IOptions<MediaOptions>>().Value.BoundedSlots,
            sp.GetRequiredService<IOptions<MediaOptions>>().Value.MaxScreenShares,
            sp.GetRequiredService<IOptions<MediaOptions>>().Value.AudioMode,
            sp.GetRequiredService<IOptions<MediaOptions>>().Value.MixerThreads,
            sp.GetService<ILoggerFactory>()?.CreateLogger<AudioMixerScheduler>())
        {
            NackRttLimit = sp.GetRequiredService<IOptions<MediaOptions>>().Value.NackRttLimit,
            ProbeMaxBitrate = sp.GetRequiredService<IOptions<MediaOptions>>().Value.ProbeMaxBitrate,
            DynacastPauseDelay = sp.GetRequiredService<IOptions<MediaOptions>>().Value.DynacastPauseDelay,
            QualityLossThreshold = sp.GetRequiredService<IOptions<MediaOptions>>().Value.QualityLossThreshold,
            QualityWindow = sp.GetRequiredService<IOptions<MediaOptions>>().Value.QualityWindow,
            Sender =
            {
                GroupByDestination = sp.GetRequiredService<IOptions<MediaOptions>>().Value.GroupSendsByDestination,
                MaxBatchCapacity = sp.GetRequiredService<IOptions<MediaOptions>>().Value.SendBatchLimit,
                BatchSrtp = sp.GetRequiredService<IOptions<MediaOptions>>().Value.BatchSrtp,
                FrameHoldMicroseconds = sp.GetRequiredService<IOptions<MediaOptions>>().Value.FrameHoldMicroseconds,
            },
        });
        services.AddSingleton<IMediaModule>(sp => sp.GetRequiredService<MediaModule>());
        // IMeterFactory for the media meter; a host already has it, a bare container (tests) gets it here.
        services.AddMetrics();
        services.AddSingleton<MediaMetrics>();
        services.AddHostedService<MediaPortService>();
        services.AddHostedService<QualityLogWriter>();
        AddControlEndpoint(services, configuration);
        return services;
    }

    // A media node in a cluster (Node:ControlPort set) serves IMediaModule over gRPC (media_node.proto)
    // on an HTTP/2-only endpoint at Node:PublicIp:ControlPort, for signaling nodes elsewhere.
    private static void AddControlEndpoint(IServiceCollection services, IConfiguration configuration)
    {
        var node = configuration.GetSection(NodeOptions.SectionName).Get<NodeOptions>() ?? new NodeOptions();
        // Out of range: NodeOptionsValidator fails start-up naming Node:ControlPort.
        if (node.ControlPort is <= 0 or > 65535)
            return;
        services.AddGrpc();
        // A media-only node warms itself up before it registers (issue 15's failover gap).
        var warmsUp = MediaNodeReadiness.WarmsUp(configuration);
        services.TryAddSingleton(new MediaNodeReadiness(warmsUp));
        if (warmsUp)
            services.AddHostedService<MediaNodeWarmUp>();
        services.Configure<KestrelServerOptions>(kestrel =>
        {
            // Endpoints set in code make Kestrel ignore `urls`; the signaling module re-adds them on a
            // node that has it (GrpcEndpoint), a media-only node does it here (health, metrics).
            if (!node.Roles.HasFlag(NodeRoles.Signaling) && !configuration.GetSection("Kestrel:Endpoints").Exists())
            {
                foreach (var url in ListenAddresses.Urls(configuration).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var address = BindingAddress.Parse(url);
                    if (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip))
                        kestrel.Listen(ip, address.Port);
                    else if (address.Host == "localhost")
                        kestrel.ListenLocalhost(address.Port);
                    else
                        kestrel.ListenAnyIP(address.Port);
                }
            }
            var bind = IPAddress.TryParse(node.PublicIp, out var publicIp) ? publicIp : IPAddress.Loopback;
            kestrel.Listen(bind, node.ControlPort, listen => listen.Protocols = HttpProtocols.Http2);
        });
    }

    // The signaling side of a split cluster (Node:Roles=signaling): media nodes reached over gRPC.
    public static IServiceCollection AddRemoteMediaNodes(this IServiceCollection services)
    {
        services.AddSingleton<IMediaNodes, RemoteMediaNodes>();
        return services;
    }

    // Maps the control service, answering only on Node:ControlPort, when this node serves it.
    public static IEndpointRouteBuilder MapMediaNode(this IEndpointRouteBuilder endpoints)
    {
        var node = endpoints.ServiceProvider.GetRequiredService<IOptions<NodeOptions>>().Value;
        if (node.ControlPort > 0 && node.Roles.HasFlag(NodeRoles.Media))
            endpoints.MapGrpcService<MediaNodeGrpcService>().RequireHost($"*:{node.ControlPort}");
        return endpoints;
    }
}

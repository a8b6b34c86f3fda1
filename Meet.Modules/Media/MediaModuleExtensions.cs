using Meet.Modules.Allocation;
using Meet.Modules.Media.Internal;
using Meet.Modules.Media.Mixing;
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
        });
        services.AddSingleton<IMediaModule>(sp => sp.GetRequiredService<MediaModule>());
        // IMeterFactory for the media meter; a host already has it, a bare container (tests) gets it here.
        services.AddMetrics();
        services.AddSingleton<MediaMetrics>();
        services.AddHostedService<MediaPortService>();
        services.AddHostedService<QualityLogWriter>();
        return services;
    }
}

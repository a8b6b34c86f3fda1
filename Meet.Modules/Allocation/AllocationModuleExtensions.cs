using Meet.Modules.Allocation.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Meet.Modules.Allocation;

public static class AllocationModuleExtensions
{
    // Needs the storage module (AddStorageModule) registered first.
    public static IServiceCollection AddAllocationModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NodeOptions>()
            .Bind(configuration.GetSection(NodeOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<NodeOptions>, NodeOptionsValidator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<NodeOptions>, NodeOptionsPostConfigure>());
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<LocalMediaNode>();
        services.AddSingleton<ILocalMediaNode>(sp => sp.GetRequiredService<LocalMediaNode>());
        services.TryAddSingleton<INodeLoadSource, ProcessNodeLoadSource>();
        services.AddSingleton<IMediaNodeAllocator, MediaNodeAllocator>();
        services.AddHostedService<NodeHeartbeatService>();
        services.AddHealthChecks().AddCheck<MediaNodeHealthCheck>("media-node");
        return services;
    }
}

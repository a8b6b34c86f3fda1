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

        services.TryAddSingleton(new MediaNodeReadiness(MediaNodeReadiness.WarmsUp(configuration)));
        services.AddSingleton<LocalMediaNode>();
        services.AddSingleton<ILocalMediaNode>(sp => sp.GetRequiredService<LocalMediaNode>());
        services.TryAddSingleton<INodeLoadSource, ProcessNodeLoadSource>();
        services.AddSingleton<IMediaNodeAllocator, MediaNodeAllocator>();
        // Only a node that forwards media is in the registry; a signaling-only node just allocates.
        if (RolesOf(configuration).HasFlag(NodeRoles.Media))
        {
            services.AddHostedService<NodeHeartbeatService>();
            services.AddHealthChecks().AddCheck<MediaNodeHealthCheck>("media-node");
        }
        return services;
    }

    // Node:Roles read before the container exists, to decide which modules to register; a value that
    // is not a role fails here with the key named.
    public static NodeRoles RolesOf(IConfiguration configuration)
    {
        var text = configuration[$"{NodeOptions.SectionName}:{nameof(NodeOptions.Roles)}"];
        if (string.IsNullOrWhiteSpace(text))
            return NodeRoles.Both;
        return Enum.TryParse<NodeRoles>(text, ignoreCase: true, out var roles) && roles is NodeRoles.Signaling or NodeRoles.Media or NodeRoles.Both
            ? roles
            : throw new OptionsValidationException(NodeOptions.SectionName, typeof(NodeOptions),
                [$"{NodeOptions.SectionName}:{nameof(NodeOptions.Roles)} must be \"signaling\", \"media\" or \"signaling,media\" (was '{text}')."]);
    }
}

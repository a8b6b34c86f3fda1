using Meet.PacketEngine.FaultInjection;
using Meet.PacketEngine.FaultInjection.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Meet.PacketEngine;

public static class FaultInjectionServiceCollectionExtensions
{
    /// <summary>
    /// When <c>PacketEngine:FaultInjection:Enabled</c> is true, replaces the registered
    /// <see cref="IPacketEngine"/> with the fault-injection decorator around it. Call after the backend
    /// is registered (AddPacketEngine does). An invalid section fails here, naming the key.
    /// </summary>
    public static IServiceCollection AddPacketEngineFaultInjection(this IServiceCollection services, IConfiguration packetEngineSection)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(packetEngineSection);
        var options = packetEngineSection.GetSection(FaultInjectionOptions.SectionName).Get<FaultInjectionOptions>() ?? new();
        if (!options.Enabled)
            return services;
        FaultInjectionOptionsValidator.ThrowIfInvalid(options);

        var index = -1;
        for (var i = services.Count - 1; i >= 0 && index < 0; i--)
        {
            if (services[i].ServiceType == typeof(IPacketEngine) && !services[i].IsKeyedService)
                index = i;
        }
        if (index < 0)
            throw new InvalidOperationException("Register a packet engine backend before AddPacketEngineFaultInjection.");
        var inner = services[index];
        // One table per host, shared by the engine and whoever impairs single paths (tests, tools).
        services.AddSingleton(sp => new PathImpairmentTable(sp.GetService<TimeProvider>() ?? TimeProvider.System, options.MaxDatagramSize));
        services.AddSingleton<IPathImpairments>(sp => sp.GetRequiredService<PathImpairmentTable>());
        services[index] = ServiceDescriptor.Singleton<IPacketEngine>(sp => new FaultInjectingPacketEngine(
            CreateInner(sp, inner), options, sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetRequiredService<PathImpairmentTable>()));
        return services;
    }

    private static IPacketEngine CreateInner(IServiceProvider services, ServiceDescriptor descriptor) =>
        (IPacketEngine)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}

using Meet.PacketEngine.Dpdk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meet.PacketEngine;

public static class DpdkPacketEngineServiceCollectionExtensions
{
    /// <summary>
    /// Registers the DPDK backend configured by <c>PacketEngine:Dpdk</c> (see
    /// <see cref="DpdkPacketEngineOptions"/>). The engine starts with the host, so a missing DPDK
    /// library, a bad EAL argument or a port that does not exist stops start-up with a
    /// <see cref="PacketEngineException"/> naming the key.
    /// </summary>
    public static IServiceCollection AddDpdkPacketEngine(this IServiceCollection services, IConfiguration packetEngineSection)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(packetEngineSection);
        services.AddOptions<DpdkPacketEngineOptions>()
            .Bind(packetEngineSection.GetSection(DpdkPacketEngineOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DpdkPacketEngineOptions>, DpdkPacketEngineOptionsValidator>());
        services.TryAddSingleton<IPacketEngine>(provider => DpdkPacketEngine.Start(
            provider.GetRequiredService<IOptions<DpdkPacketEngineOptions>>().Value,
            provider.GetService<ILoggerFactory>()));
        services.AddHostedService<DpdkPacketEngineStartup>();
        return services;
    }
}

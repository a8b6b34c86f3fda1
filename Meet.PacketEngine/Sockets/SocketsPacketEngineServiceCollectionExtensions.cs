using Meet.PacketEngine.Sockets;
using Meet.PacketEngine.Sockets.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meet.PacketEngine;

public static class SocketsPacketEngineServiceCollectionExtensions
{
    /// <summary>
    /// Registers the kernel-sockets backend as the <see cref="IPacketEngine"/>, configured from the
    /// <c>Sockets</c> sub-section of <paramref name="packetEngineSection"/> and validated at start-up.
    /// </summary>
    public static IServiceCollection AddSocketsPacketEngine(this IServiceCollection services, IConfiguration packetEngineSection)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(packetEngineSection);
        services.AddOptions<SocketsPacketEngineOptions>()
            .Bind(packetEngineSection.GetSection(SocketsPacketEngineOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SocketsPacketEngineOptions>, SocketsPacketEngineOptionsValidator>();
        services.AddSingleton<IPacketEngine>(sp => SocketsPacketEngineFactory.Create(
            sp.GetRequiredService<IOptions<SocketsPacketEngineOptions>>().Value,
            sp.GetService<ILoggerFactory>()));
        return services;
    }
}

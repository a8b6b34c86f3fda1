using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Meet.PacketEngine;

public static class PacketEngineServiceCollectionExtensions
{
    /// <summary>Registers the backend named by <c>PacketEngine:Backend</c> (Sockets by default).</summary>
    public static IServiceCollection AddPacketEngine(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(PacketEngineOptions.SectionName);
        var backendText = section["Backend"];
        var backend = PacketEngineBackend.Sockets;
        if (!string.IsNullOrEmpty(backendText) && !Enum.TryParse(backendText, ignoreCase: true, out backend))
            throw new PacketEngineException(
                $"PacketEngine:Backend is '{backendText}'; expected one of: {string.Join(", ", Enum.GetNames<PacketEngineBackend>())}.");
        var registered = backend switch
        {
            PacketEngineBackend.Dpdk => services.AddDpdkPacketEngine(section),
            _ => services.AddSocketsPacketEngine(section),
        };
        // No-op unless PacketEngine:FaultInjection:Enabled is true.
        return registered.AddPacketEngineFaultInjection(section);
    }
}

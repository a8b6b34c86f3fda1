using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Meet.PacketEngine;

public static class DpdkPacketEngineServiceCollectionExtensions
{
    // Placeholder until the DPDK backend lands (issue 4); replaced there.
    public static IServiceCollection AddDpdkPacketEngine(this IServiceCollection services, IConfiguration packetEngineSection) =>
        throw new PacketEngineException("PacketEngine:Backend=Dpdk is not implemented yet.");
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Meet.PacketEngine;

public static class SocketsPacketEngineServiceCollectionExtensions
{
    // Placeholder until the sockets backend lands (issue 4); replaced there.
    public static IServiceCollection AddSocketsPacketEngine(this IServiceCollection services, IConfiguration packetEngineSection) =>
        throw new PacketEngineException("PacketEngine:Backend=Sockets is not implemented yet.");
}

namespace Meet.PacketEngine;

/// <summary>The <c>PacketEngine</c> configuration section; each backend adds its own sub-section.</summary>
public sealed class PacketEngineOptions
{
    public const string SectionName = "PacketEngine";

    public PacketEngineBackend Backend { get; set; } = PacketEngineBackend.Sockets;
}

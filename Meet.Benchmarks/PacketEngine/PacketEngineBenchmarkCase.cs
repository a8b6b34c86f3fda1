using Meet.PacketEngine;

namespace Meet.Benchmarks.PacketEngine;

/// <summary>
/// One row of the engine benchmark: a name, how to build the engine and where to bind. Both the
/// sending and the receiving channel are bound on the same engine; the sender sends to the
/// receiver's <see cref="IPacketChannel.LocalAddress"/>.
/// </summary>
public sealed record PacketEngineBenchmarkCase(string Name, Func<IPacketEngine> CreateEngine, PacketAddress BindAddress)
{
    public override string ToString() => Name;
}

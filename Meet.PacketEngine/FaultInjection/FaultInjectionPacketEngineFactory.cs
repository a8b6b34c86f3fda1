using Meet.PacketEngine.FaultInjection.Internal;

namespace Meet.PacketEngine.FaultInjection;

/// <summary>Wraps any engine in the fault-injection decorator (tests and tools; the host uses configuration).</summary>
public static class FaultInjectionPacketEngineFactory
{
    /// <summary>
    /// Throws <see cref="PacketEngineException"/> naming the key when <paramref name="options"/> is invalid.
    /// <paramref name="timeProvider"/> drives delays and the rate limiter; a fake one makes runs instant and exact.
    /// </summary>
    public static IPacketEngine Create(IPacketEngine inner, FaultInjectionOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(options);
        return new FaultInjectingPacketEngine(inner, options, timeProvider ?? TimeProvider.System);
    }

    /// <summary>As <see cref="Create(IPacketEngine, FaultInjectionOptions, TimeProvider?)"/>, with the handle that impairs single destinations at run time.</summary>
    public static IPacketEngine Create(IPacketEngine inner, FaultInjectionOptions options, TimeProvider? timeProvider, out IPathImpairments paths)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(options);
        var engine = new FaultInjectingPacketEngine(inner, options, timeProvider ?? TimeProvider.System);
        paths = engine.Paths;
        return engine;
    }
}

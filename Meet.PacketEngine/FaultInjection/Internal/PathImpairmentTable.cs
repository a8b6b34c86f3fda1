using System.Collections.Concurrent;

namespace Meet.PacketEngine.FaultInjection.Internal;

// The impaired destinations of one fault-injecting engine. Each gets its own FaultStage (own seed, queue
// and delay line) that sends what it releases through the channel that last sent to that destination.
// Channels ask only when Count > 0, so a run with no impaired path pays one volatile read per Send.
internal sealed class PathImpairmentTable : IPathImpairments, IDisposable
{
    private const int HeldDatagrams = 2048;

    private readonly ConcurrentDictionary<PacketAddress, Path> _paths = new();
    private readonly TimeProvider _time;
    private readonly int _slotSize;
    private int _count;

    public PathImpairmentTable(TimeProvider time, int slotSize = PacketBatch.DefaultSlotSize)
    {
        _time = time;
        _slotSize = slotSize;
    }

    public int Count => Volatile.Read(ref _count);

    public void Set(PacketAddress destination, PathImpairment impairment)
    {
        ArgumentNullException.ThrowIfNull(impairment);
        var options = ToOptions(impairment);
        var path = _paths.GetOrAdd(destination, _ => new Path(options, _time, impairment.Seed, _slotSize));
        path.Stage.Reconfigure(options);
        if (!path.Active)
        {
            path.Active = true;
            Interlocked.Increment(ref _count);
        }
    }

    public bool Clear(PacketAddress destination)
    {
        if (!_paths.TryGetValue(destination, out var path) || !path.Active)
            return false;
        // The stage stays (its queue drains, its counts remain readable); only new datagrams pass it by.
        path.Active = false;
        Interlocked.Decrement(ref _count);
        return true;
    }

    public PathImpairmentStats GetStats(PacketAddress destination) =>
        _paths.TryGetValue(destination, out var path)
            ? new PathImpairmentStats(path.Stage.Delivered, path.Stage.DeliveredBytes, path.Stage.Lost, path.Stage.QueueDropped)
            : default;

    // Takes the datagram into the path's stage when its destination is impaired; false = not impaired.
    public bool TryImpair(ReadOnlySpan<byte> payload, PacketAddress destination, FaultInjectingChannel via, out bool accepted)
    {
        if (!_paths.TryGetValue(destination, out var path) || !path.Active)
        {
            accepted = false;
            return false;
        }
        path.Via = via;
        accepted = path.Stage.ProcessOne(payload, destination);
        return true;
    }

    // Validated like the whole-channel section, under the same key names.
    public static FaultInjectionOptions ToOptions(PathImpairment impairment)
    {
        var options = new FaultInjectionOptions
        {
            Enabled = true,
            LossRate = impairment.LossPercent / 100,
            DelayMs = impairment.DelayMs,
            RateLimitBitsPerSecond = impairment.RateLimitKbps * 1000,
            RateLimitQueueMs = impairment.RateLimitKbps > 0 ? impairment.MaxQueueMs : 0,
        };
        if (!(impairment.LossPercent is >= 0 and <= 100) || !(impairment.DelayMs >= 0) || impairment.RateLimitKbps < 0
            || !(impairment.MaxQueueMs > 0))
            throw new PacketEngineException(
                $"Path impairment {impairment} is invalid: LossPercent 0..100, DelayMs and RateLimitKbps 0 or more, MaxQueueMs above 0.");
        return options;
    }

    public void Dispose()
    {
        foreach (var path in _paths.Values)
            path.Stage.Dispose();
    }

    private sealed class Path
    {
        public Path(FaultInjectionOptions options, TimeProvider time, int seed, int slotSize) =>
            Stage = new FaultStage(options, time, seed, slotSize, () => Via?.Counters, Send, HeldDatagrams);

        public FaultStage Stage { get; }

        public volatile bool Active;

        public volatile FaultInjectingChannel? Via;

        private void Send(PacketBatch batch) => Via?.SendPastPaths(batch);
    }
}

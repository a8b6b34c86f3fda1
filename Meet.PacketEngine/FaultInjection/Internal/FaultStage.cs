namespace Meet.PacketEngine.FaultInjection.Internal;

// The impairment for one channel in one direction. Decisions run under a lock (one seeded RNG and
// the loss/bucket state are shared by every thread that hands datagrams in); survivors are copied
// into pooled batches, delivered at once or held in a delay line released by a 1 ms timer tick.
internal sealed class FaultStage : IDisposable
{
    private const int OutputBatchSize = 32;

    private readonly FaultInjectionOptions _options;
    private readonly TimeProvider _time;
    private readonly Action<PacketBatch> _sink;
    private readonly Func<PacketChannelCounters?> _counters;
    private readonly Random _random;
    private readonly GilbertElliottLoss _burstLoss;
    private readonly TokenBucket? _bucket;
    private readonly Lock _lock = new();
    private readonly Lock _pumpLock = new();
    private readonly double _ticksPerMs;
    private readonly ITimer? _timer;
    private readonly PacketBatchPool _output;

    // Delay line: datagrams copied into fixed slots, ordered by release time then arrival.
    private readonly PacketBatch? _held;
    private readonly int[] _heldLengths;
    private readonly PacketAddress[] _heldAddresses;
    private readonly Stack<int> _freeSlots;
    private readonly PriorityQueue<int, (long Release, long Sequence)> _releases;
    private long _sequence;

    public FaultStage(FaultInjectionOptions options, TimeProvider time, int seed, int slotSize,
        Func<PacketChannelCounters?> counters, Action<PacketBatch> sink)
    {
        _options = options;
        _time = time;
        _sink = sink;
        _counters = counters;
        _random = new Random(seed);
        _burstLoss = new GilbertElliottLoss(options.BurstEnterProbability, options.BurstExitProbability, options.BurstLossRate);
        _ticksPerMs = time.TimestampFrequency / 1000.0;
        if (options.RateLimitBitsPerSecond > 0)
            _bucket = new TokenBucket(options.RateLimitBitsPerSecond, options.RateLimitBurstBytes, time.TimestampFrequency, time.GetTimestamp());
        _output = new PacketBatchPool(OutputBatchSize, 64, slotSize);
        var capacity = options.Delays ? options.MaxQueuedPackets : 0;
        _heldLengths = new int[capacity];
        _heldAddresses = new PacketAddress[capacity];
        _freeSlots = new Stack<int>(capacity);
        for (var i = capacity - 1; i >= 0; i--)
            _freeSlots.Push(i);
        _releases = new PriorityQueue<int, (long, long)>(capacity);
        if (options.Delays)
        {
            _held = new PacketBatch(capacity, slotSize);
            _timer = time.CreateTimer(static state => ((FaultStage)state!).Release(), this, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1));
        }
    }

    public int Queued
    {
        get
        {
            lock (_lock)
                return _releases.Count;
        }
    }

    /// <summary>Applies the faults to every datagram of <paramref name="input"/>; returns how many were not dropped.</summary>
    public int Process(PacketBatch input)
    {
        if (!_output.TryRent(out var immediate))
        {
            _counters()?.AddDrop(DropReason.NoBuffer, input.Count);
            return 0;
        }
        var accepted = 0;
        long injected = 0;
        long overflow = 0;
        long oversized = 0;
        var index = 0;
        while (index < input.Count)
        {
            lock (_lock)
            {
                var now = _time.GetTimestamp();
                for (; index < input.Count && !immediate.IsFull; index++)
                {
                    var payload = input[index];
                    if (payload.Length > _output.SlotSize)
                    {
                        oversized++;
                        continue;
                    }
                    if (Drops(payload.Length, now))
                    {
                        injected++;
                        continue;
                    }
                    accepted++;
                    if (_held is null)
                    {
                        immediate.TryAdd(payload, input.GetAddress(index));
                        continue;
                    }
                    if (!_freeSlots.TryPop(out var slot))
                    {
                        accepted--;
                        overflow++;
                        continue;
                    }
                    payload.CopyTo(_held.GetSlot(slot));
                    _heldLengths[slot] = payload.Length;
                    _heldAddresses[slot] = input.GetAddress(index);
                    _releases.Enqueue(slot, (now + DelayTicks(), _sequence++));
                }
            }
            // Delivered outside the lock: the sink may re-enter the engine (a receiver replying).
            if (immediate.Count > 0)
            {
                _sink(immediate);
                immediate.Clear();
            }
        }
        _output.Return(immediate);
        var counters = _counters();
        if (injected > 0)
            counters?.AddDrop(DropReason.FaultInjected, injected);
        if (overflow > 0)
            counters?.AddDrop(DropReason.NoBuffer, overflow);
        if (oversized > 0)
            counters?.AddDrop(DropReason.Oversized, oversized);
        return accepted;
    }

    private bool Drops(int length, long now)
    {
        if (_options.LossRate > 0 && _random.NextDouble() < _options.LossRate)
            return true;
        if (_burstLoss.ShouldDrop(_random))
            return true;
        return _bucket is not null && !_bucket.TryTake(length, now);
    }

    private long DelayTicks()
    {
        var delayMs = _options.DelayMs;
        if (_options.JitterMs > 0)
            delayMs = Math.Max(0, delayMs + (_random.NextDouble() * 2 - 1) * _options.JitterMs);
        if (_options.ReorderRate > 0 && _random.NextDouble() < _options.ReorderRate)
            delayMs += _options.ReorderDelayMs;
        return (long)(delayMs * _ticksPerMs);
    }

    // Timer tick: hand every datagram whose time has come to the sink, in release order.
    private void Release()
    {
        if (!_pumpLock.TryEnter())
            return;
        try
        {
            while (_output.TryRent(out var batch))
            {
                lock (_lock)
                {
                    var now = _time.GetTimestamp();
                    while (!batch.IsFull && _releases.TryPeek(out var slot, out var due) && due.Release <= now)
                    {
                        _releases.Dequeue();
                        batch.TryAdd(_held!.GetSlot(slot)[.._heldLengths[slot]], _heldAddresses[slot]);
                        _freeSlots.Push(slot);
                    }
                }
                var count = batch.Count;
                if (count > 0)
                    _sink(batch);
                _output.Return(batch);
                if (count < OutputBatchSize)
                    return;
            }
        }
        finally
        {
            _pumpLock.Exit();
        }
    }

    public void Dispose() => _timer?.Dispose();
}

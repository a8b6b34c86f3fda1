namespace Meet.PacketEngine.FaultInjection.Internal;

// The impairment for one channel in one direction, or for one destination (a path). Decisions run under
// a lock (one seeded RNG and the loss/bucket/queue state are shared by every thread that hands datagrams
// in); survivors are copied into pooled batches, delivered at once or held in a delay line released by a
// 1 ms timer tick. The settings can be replaced while traffic flows (a path's cap lifted mid-call).
internal sealed class FaultStage : IDisposable
{
    private const int OutputBatchSize = 32;

    private readonly TimeProvider _time;
    private readonly Action<PacketBatch> _sink;
    private readonly Func<PacketChannelCounters?> _counters;
    private readonly Random _random;
    private readonly Lock _lock = new();
    private readonly Lock _pumpLock = new();
    private readonly double _ticksPerMs;
    private readonly ITimer? _timer;
    private readonly PacketBatchPool _output;
    private FaultInjectionOptions _options;
    private GilbertElliottLoss _burstLoss;
    private TokenBucket? _bucket;

    // Shaping (RateLimitQueueMs > 0): a virtual clock of when the link has sent everything queued so far.
    private long _linkFreeAt;
    private double _ticksPerByte;
    private long _maxQueueTicks;

    // Delay line: datagrams copied into fixed slots, ordered by release time then arrival.
    private readonly PacketBatch? _held;
    private readonly int[] _heldLengths;
    private readonly PacketAddress[] _heldAddresses;
    private readonly Stack<int> _freeSlots;
    private readonly PriorityQueue<int, (long Release, long Sequence)> _releases;
    private long _sequence;

    private long _lost;
    private long _queueDropped;
    private long _delivered;
    private long _deliveredBytes;

    // heldCapacity: the delay line's size; 0 = only when the options delay (a path stage always has one,
    // so its settings can gain a delay later).
    public FaultStage(FaultInjectionOptions options, TimeProvider time, int seed, int slotSize,
        Func<PacketChannelCounters?> counters, Action<PacketBatch> sink, int heldCapacity = 0)
    {
        _options = options;
        _time = time;
        _sink = sink;
        _counters = counters;
        _random = new Random(seed);
        _ticksPerMs = time.TimestampFrequency / 1000.0;
        _burstLoss = null!;
        Apply(options, time.GetTimestamp());
        _output = new PacketBatchPool(OutputBatchSize, 64, slotSize);
        var capacity = heldCapacity > 0 ? heldCapacity : options.Delays ? options.MaxQueuedPackets : 0;
        _heldLengths = new int[capacity];
        _heldAddresses = new PacketAddress[capacity];
        _freeSlots = new Stack<int>(capacity);
        for (var i = capacity - 1; i >= 0; i--)
            _freeSlots.Push(i);
        _releases = new PriorityQueue<int, (long, long)>(capacity);
        if (capacity > 0)
        {
            _held = new PacketBatch(capacity, slotSize);
            _timer = time.CreateTimer(static state => ((FaultStage)state!).Release(), this, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1));
        }
    }

    public long Lost => Interlocked.Read(ref _lost);

    public long QueueDropped => Interlocked.Read(ref _queueDropped);

    public long Delivered => Interlocked.Read(ref _delivered);

    public long DeliveredBytes => Interlocked.Read(ref _deliveredBytes);

    // New settings from now on; what is already held keeps its release time. A stage built without a
    // delay line cannot start delaying (paths always have one).
    public void Reconfigure(FaultInjectionOptions options)
    {
        lock (_lock)
            Apply(options, _time.GetTimestamp());
    }

    private void Apply(FaultInjectionOptions options, long now)
    {
        _options = options;
        _burstLoss = new GilbertElliottLoss(options.BurstEnterProbability, options.BurstExitProbability, options.BurstLossRate);
        _bucket = options.RateLimitBitsPerSecond > 0 && !options.Shapes
            ? new TokenBucket(options.RateLimitBitsPerSecond, options.RateLimitBurstBytes, _time.TimestampFrequency, now)
            : null;
        if (options.Shapes)
        {
            _ticksPerByte = 8.0 * _time.TimestampFrequency / options.RateLimitBitsPerSecond;
            _maxQueueTicks = (long)(options.RateLimitQueueMs * _ticksPerMs);
        }
        _linkFreeAt = Math.Min(_linkFreeAt, now);
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
                    switch (Admit(input[index], input.GetAddress(index), now, immediate))
                    {
                        case Verdict.Oversized: oversized++; break;
                        case Verdict.Dropped: injected++; break;
                        case Verdict.Overflow: overflow++; break;
                        default: accepted++; break;
                    }
                }
            }
            // Delivered outside the lock: the sink may re-enter the engine (a receiver replying).
            if (immediate.Count > 0)
            {
                Count(immediate);
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

    /// <summary>One datagram of a path stage: always through the delay line (released within a timer tick).</summary>
    public bool ProcessOne(ReadOnlySpan<byte> payload, PacketAddress address)
    {
        Verdict verdict;
        lock (_lock)
            verdict = Admit(payload, address, _time.GetTimestamp(), immediate: null);
        var reason = verdict switch
        {
            Verdict.Oversized => DropReason.Oversized,
            Verdict.Dropped => DropReason.FaultInjected,
            Verdict.Overflow => DropReason.NoBuffer,
            _ => (DropReason?)null,
        };
        if (reason is { } dropped)
            _counters()?.AddDrop(dropped);
        return reason is null;
    }

    private enum Verdict
    {
        Passed,
        Oversized,
        Dropped,
        Overflow,
    }

    // Under _lock. immediate: where an undelayed datagram goes; null forces the delay line.
    private Verdict Admit(ReadOnlySpan<byte> payload, PacketAddress address, long now, PacketBatch? immediate)
    {
        if (payload.Length > _output.SlotSize)
            return Verdict.Oversized;
        if (!TryPass(payload.Length, now, out var release))
            return Verdict.Dropped;
        if (_held is null || (immediate is not null && release <= now && !_options.Delays))
        {
            if (immediate is null)
                return Verdict.Overflow;
            immediate.TryAdd(payload, address);
            return Verdict.Passed;
        }
        if (!_freeSlots.TryPop(out var slot))
            return Verdict.Overflow;
        payload.CopyTo(_held.GetSlot(slot));
        _heldLengths[slot] = payload.Length;
        _heldAddresses[slot] = address;
        _releases.Enqueue(slot, (release, _sequence++));
        return Verdict.Passed;
    }

    // Loss, then the rate limit (policing drops; shaping queues up to RateLimitQueueMs), then delay.
    private bool TryPass(int length, long now, out long release)
    {
        release = now;
        if ((_options.LossRate > 0 && _random.NextDouble() < _options.LossRate) || _burstLoss.ShouldDrop(_random))
        {
            Interlocked.Increment(ref _lost);
            return false;
        }
        if (_options.Shapes)
        {
            var start = Math.Max(now, _linkFreeAt);
            if (start - now > _maxQueueTicks)
            {
                Interlocked.Increment(ref _queueDropped);
                return false;
            }
            _linkFreeAt = start + (long)(length * _ticksPerByte);
            release = _linkFreeAt;
        }
        else if (_bucket is not null && !_bucket.TryTake(length, now))
        {
            Interlocked.Increment(ref _queueDropped);
            return false;
        }
        if (_options.DelayMs > 0 || _options.JitterMs > 0 || _options.ReorderRate > 0)
            release += DelayTicks();
        return true;
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

    private void Count(PacketBatch batch)
    {
        long bytes = 0;
        for (var i = 0; i < batch.Count; i++)
            bytes += batch[i].Length;
        Interlocked.Add(ref _delivered, batch.Count);
        Interlocked.Add(ref _deliveredBytes, bytes);
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
                {
                    Count(batch);
                    _sink(batch);
                }
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

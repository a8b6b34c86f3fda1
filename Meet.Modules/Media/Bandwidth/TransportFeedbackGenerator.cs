using Meet.Modules.Media.Protocols.Rtcp;

namespace Meet.Modules.Media.Bandwidth;

// The receive side of transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-extensions-01
// §3): remembers when each packet carrying a transport-wide sequence number arrived and reports the
// arrivals back in transport-cc feedback, so the publisher's own estimator (Chrome's GCC) learns the path
// is good and sends every simulcast layer. Without feedback Chrome stays on its lowest layer (issue 11).
//
// Arrivals go into a ring indexed by the unwrapped sequence number; every feedback interval the range
// since the last report is written with the reusable builder. A packet arriving after its range was
// reported is counted, not reported twice. Issue 14: every participant has a publisher transport, most
// of a large meeting's never publish, and a fixed 4,096-entry ring was 64 KiB of each one's server
// memory. The ring is allocated on the first packet with InitialCapacity entries and doubles only when
// the arrivals not yet reported would not fit (at most to MaxCapacity, the fixed size before): so it
// reports exactly what the fixed ring did, and a steady stream allocates nothing.
internal sealed class TransportFeedbackGenerator
{
    public const int InitialCapacity = 256;
    public const int MaxCapacity = 4096;

    // One feedback packet stays well under the MTU after SRTCP overhead: ≤ 2 bytes of chunk per 7
    // packets plus ≤ 2 bytes of delta per packet.
    public const int MaxPacketsPerFeedback = 400;

    public const int MaxFeedbackSize = 20 + MaxPacketsPerFeedback * 2 + MaxPacketsPerFeedback / 7 * 2 + 8;

    private readonly Lock _lock = new();
    private Arrival[] _ring = [];
    private RtcpTransportFeedbackBuilder? _builder;
    private long _highest = -1;
    private long _nextToReport = -1;
    private byte _feedbackCount;
    private uint _mediaSsrc;
    private long _late;
    private long _feedbackSent;

    private struct Arrival
    {
        public long Sequence;
        public long Microseconds;
    }

    // Entries the ring holds now (0 until the first packet).
    public int Capacity
    {
        get
        {
            lock (_lock)
                return _ring.Length;
        }
    }

    // Packets that arrived after their range had been reported (reordered by more than one interval).
    public long LatePackets => Interlocked.Read(ref _late);

    public long FeedbackPacketsWritten => Interlocked.Read(ref _feedbackSent);

    public void OnPacket(ushort transportSequence, uint ssrc, long arrivalMicroseconds)
    {
        lock (_lock)
        {
            var unwrapped = _highest < 0 ? transportSequence : _highest + (short)(ushort)(transportSequence - (ushort)_highest);
            if (unwrapped < 0)
                return;
            if (_nextToReport < 0)
                _nextToReport = unwrapped;
            if (unwrapped < _nextToReport)
            {
                _late++;
                return;
            }
            if (unwrapped > _highest)
                _highest = unwrapped;
            if (_highest - _nextToReport >= _ring.Length && _ring.Length < MaxCapacity)
                Grow();
            ref var slot = ref _ring[unwrapped & (_ring.Length - 1)];
            slot.Sequence = unwrapped;
            slot.Microseconds = arrivalMicroseconds;
            _mediaSsrc = ssrc;
        }
    }

    // Writes one feedback packet for the arrivals not reported yet; 0 when there is nothing to report.
    // Called repeatedly until it returns 0 (a burst larger than one packet holds is split).
    public int WriteFeedback(uint senderSsrc, Span<byte> destination)
    {
        lock (_lock)
        {
            if (_nextToReport < 0 || _nextToReport > _highest)
                return 0;
            // A stall longer than the ring (or a sequence jump) loses the oldest arrivals: they were
            // overwritten, and reporting them as lost would make the sender's loss controller back off.
            if (_highest - _nextToReport >= _ring.Length)
                _nextToReport = _highest - _ring.Length + 1;
            _builder ??= new RtcpTransportFeedbackBuilder(MaxPacketsPerFeedback);
            _builder.Reset(senderSsrc, _mediaSsrc, _feedbackCount);
            var next = _nextToReport;
            for (; next <= _highest; next++)
            {
                ref readonly var slot = ref _ring[next & (_ring.Length - 1)];
                if (slot.Sequence != next)
                    continue;
                if (_builder.TryAddReceived((ushort)next, slot.Microseconds))
                    continue;
                // Refused as the first of a packet (an arrival time the format cannot express): skip it
                // rather than stall every later report on it.
                if (_builder.PacketStatusCount > 0)
                    break;
            }
            _nextToReport = next;
            if (_builder.PacketStatusCount == 0 || !_builder.TryWrite(destination, out var written))
                return 0;
            _feedbackCount++;
            _feedbackSent++;
            return written;
        }
    }

    // The smallest power of two (up to MaxCapacity) that holds every arrival not reported yet; the
    // entries keep their sequence numbers, slots that held nothing stay empty.
    private void Grow()
    {
        var capacity = Math.Max(_ring.Length, InitialCapacity);
        while (capacity < MaxCapacity && _highest - _nextToReport >= capacity)
            capacity *= 2;
        var grown = new Arrival[capacity];
        for (var i = 0; i < grown.Length; i++)
            grown[i].Sequence = -1;
        foreach (var arrival in _ring)
        {
            if (arrival.Sequence >= 0)
                grown[arrival.Sequence & (capacity - 1)] = arrival;
        }
        _ring = grown;
    }
}

using Meet.Modules.Media.Protocols.Rtcp;

namespace Meet.Modules.Media.Bandwidth;

// The receive side of transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-extensions-01
// §3): remembers when each packet carrying a transport-wide sequence number arrived and reports the
// arrivals back in transport-cc feedback, so the publisher's own estimator (Chrome's GCC) learns the path
// is good and sends every simulcast layer. Without feedback Chrome stays on its lowest layer (issue 11).
//
// Arrivals go into a ring indexed by the unwrapped sequence number (allocated once; the packet path
// allocates nothing); every feedback interval the range since the last report is written with the
// reusable builder. A packet arriving after its range was reported is counted, not reported twice.
internal sealed class TransportFeedbackGenerator
{
    private const int Capacity = 4096;
    private const int Mask = Capacity - 1;

    // One feedback packet stays well under the MTU after SRTCP overhead: ≤ 2 bytes of chunk per 7
    // packets plus ≤ 2 bytes of delta per packet.
    public const int MaxPacketsPerFeedback = 400;

    public const int MaxFeedbackSize = 20 + MaxPacketsPerFeedback * 2 + MaxPacketsPerFeedback / 7 * 2 + 8;

    private readonly Lock _lock = new();
    private readonly long[] _arrivals = new long[Capacity];
    private readonly long[] _sequences = new long[Capacity];
    private readonly RtcpTransportFeedbackBuilder _builder = new(MaxPacketsPerFeedback);
    private long _highest = -1;
    private long _nextToReport = -1;
    private byte _feedbackCount;
    private uint _mediaSsrc;
    private long _late;
    private long _feedbackSent;

    public TransportFeedbackGenerator() => Array.Fill(_sequences, -1L);

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
            _arrivals[unwrapped & Mask] = arrivalMicroseconds;
            _sequences[unwrapped & Mask] = unwrapped;
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
            if (_highest - _nextToReport >= Capacity)
                _nextToReport = _highest - Capacity + 1;
            _builder.Reset(senderSsrc, _mediaSsrc, _feedbackCount);
            var next = _nextToReport;
            for (; next <= _highest; next++)
            {
                var slot = next & Mask;
                if (_sequences[slot] != next)
                    continue;
                if (_builder.TryAddReceived((ushort)next, _arrivals[slot]))
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
}

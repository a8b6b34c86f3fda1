namespace Meet.Modules.Media.Bandwidth;

// What we sent one subscriber, by our transport-wide sequence number: send time and size, for matching
// its transport-cc feedback (issue 11). A ring allocated once; an entry is valid only while its slot
// still holds the same unwrapped sequence number, so feedback for sequence numbers we never sent (or
// sent too long ago) is recognised and counted, never mismatched.
//
// It also remembers what feedback said of each packet. A receiver re-reports a packet that arrives after
// a report called it lost (libwebrtc widens its next feedback back to that packet), and a packet sent
// from one thread can overtake one sent earlier from another: so "not received" is only a first verdict.
// A packet is counted lost once it is older than the verdict delay and no report has said it arrived
// (TryTakeLostVerdict); a second report of the same packet changes nothing.
internal sealed class SendHistory
{
    public const int Capacity = 8192;
    private const int Mask = Capacity - 1;

    private readonly long[] _sequences = new long[Capacity];
    private readonly long[] _sendMicroseconds = new long[Capacity];
    private readonly int[] _sizes = new int[Capacity];
    private readonly int[] _clusters = new int[Capacity];
    private readonly FeedbackState[] _states = new FeedbackState[Capacity];
    private long _next;
    private long _verdictCursor;

    public enum FeedbackState : byte
    {
        Unreported,
        ReportedLost,
        Received,
    }

    public SendHistory() => Array.Fill(_sequences, -1L);

    public long Sent => _next;

    // Allocates the next sequence number for a packet sent now.
    // cluster: the probe cluster the packet was sent in (-1: none).
    public ushort Add(long sendMicroseconds, int size, int cluster = -1)
    {
        var sequence = _next++;
        var slot = sequence & Mask;
        _sequences[slot] = sequence;
        _sendMicroseconds[slot] = sendMicroseconds;
        _sizes[slot] = size;
        _clusters[slot] = cluster;
        _states[slot] = FeedbackState.Unreported;
        return (ushort)sequence;
    }

    // The 16-bit number from feedback, unwrapped against what we sent last.
    public long Unwrap(ushort sequenceNumber)
    {
        var last = _next - 1;
        return last + (short)(ushort)(sequenceNumber - (ushort)last);
    }

    public bool TryGet(long sequence, out long sendMicroseconds, out int size, out int cluster, out FeedbackState state)
    {
        var slot = sequence & Mask;
        if (sequence < 0 || _sequences[slot] != sequence)
        {
            sendMicroseconds = 0;
            size = 0;
            cluster = -1;
            state = FeedbackState.Unreported;
            return false;
        }
        sendMicroseconds = _sendMicroseconds[slot];
        size = _sizes[slot];
        cluster = _clusters[slot];
        state = _states[slot];
        return true;
    }

    // Records what a report said of a packet TryGet found.
    public void SetState(long sequence, FeedbackState state) => _states[sequence & Mask] = state;

    // The next packet sent before `sentBeforeMicroseconds` whose last report still says lost: its final
    // verdict. Packets are visited once each, in order; the ones that arrived or were never reported
    // on (the feedback itself was lost) are passed over.
    public bool TryTakeLostVerdict(long sentBeforeMicroseconds, out long sendMicroseconds, out int size, out int cluster)
    {
        // More than a ring's worth sent since the cursor moved: the overwritten packets get no verdict.
        _verdictCursor = Math.Max(_verdictCursor, _next - Capacity);
        while (_verdictCursor < _next)
        {
            var slot = _verdictCursor & Mask;
            if (_sendMicroseconds[slot] >= sentBeforeMicroseconds)
                break;
            _verdictCursor++;
            if (_states[slot] != FeedbackState.ReportedLost)
                continue;
            sendMicroseconds = _sendMicroseconds[slot];
            size = _sizes[slot];
            cluster = _clusters[slot];
            return true;
        }
        sendMicroseconds = 0;
        size = 0;
        cluster = -1;
        return false;
    }
}

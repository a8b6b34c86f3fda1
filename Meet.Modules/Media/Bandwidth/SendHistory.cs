namespace Meet.Modules.Media.Bandwidth;

// What we sent one subscriber, by our transport-wide sequence number: send time and size, for matching
// its transport-cc feedback (issue 11). A ring indexed by the sequence number itself: an entry is valid
// while its sequence number is among the last Capacity sent, so feedback for sequence numbers we never
// sent (or sent too long ago) is recognised and counted, never mismatched.
//
// It also remembers what feedback said of each packet. A receiver re-reports a packet that arrives after
// a report called it lost (libwebrtc widens its next feedback back to that packet), and a packet sent
// from one thread can overtake one sent earlier from another: so "not received" is only a first verdict.
// A packet is counted lost once it is older than the verdict delay and no report has said it arrived
// (TryTakeLostVerdict); a second report of the same packet changes nothing.
//
// Issue 14: one entry is 8 bytes (a 32-bit send-time offset, a 16-bit size, the verdict and a probe
// cluster tag) instead of 25, and the ring starts at InitialCapacity on the first send and doubles only
// when it would overwrite a packet younger than RetainMicroseconds: a 1,000-participant meeting's
// subscribers mostly receive a few dozen packets a second, and a fixed 8,192 × 25 B ring was 200 KiB of
// each one's server memory. Growing allocates (at most MaxCapacity ÷ InitialCapacity doublings in a
// subscriber's life); a steady packet rate allocates nothing.
internal sealed class SendHistory
{
    public const int InitialCapacity = 256;
    public const int MaxCapacity = 8192;

    // Entries stay at least this long while the ring can grow: four times the lost-verdict delay
    // (SubscriberDownlink, 500 ms), so late feedback and the verdict always find the packet.
    public const long RetainMicroseconds = 2_000_000;

    // Send times are offsets from a base that moves forward when they would pass 31 bits (≈ 36 min).
    private const long RebaseAfterMicroseconds = 1L << 31;
    private const long RebaseStepMicroseconds = 1L << 30;

    // Probe clusters are tagged modulo this (0 = none): the estimator only ever looks at its last few
    // clusters, all far younger than 255 clusters (each lasts ≥ 40 ms).
    private const int ClusterTags = 255;

    private Entry[] _entries = [];
    private long _next;
    private long _verdictCursor;
    private long _baseMicroseconds;
    private int _lastCluster = -1;

    public enum FeedbackState : byte
    {
        Unreported,
        ReportedLost,
        Received,
    }

    private struct Entry
    {
        public uint SendOffset;
        public ushort Size;
        public FeedbackState State;
        public byte ClusterTag;
    }

    public long Sent => _next;

    // Entries the ring holds now (0 until the first send).
    public int Capacity => _entries.Length;

    // Allocates the next sequence number for a packet sent now.
    // cluster: the probe cluster the packet was sent in (-1: none).
    public ushort Add(long sendMicroseconds, int size, int cluster = -1)
    {
        if (_entries.Length == 0)
        {
            _entries = new Entry[InitialCapacity];
            _baseMicroseconds = sendMicroseconds;
        }
        else if (_next >= _entries.Length && _entries.Length < MaxCapacity
            && sendMicroseconds - SendTime(in _entries[_next & (_entries.Length - 1)]) < RetainMicroseconds)
        {
            Grow();
        }
        if (sendMicroseconds - _baseMicroseconds >= RebaseAfterMicroseconds)
            Rebase(sendMicroseconds);
        var sequence = _next++;
        ref var entry = ref _entries[sequence & (_entries.Length - 1)];
        entry.SendOffset = (uint)Math.Max(0, sendMicroseconds - _baseMicroseconds);
        entry.Size = (ushort)Math.Clamp(size, 0, ushort.MaxValue);
        entry.State = FeedbackState.Unreported;
        entry.ClusterTag = cluster < 0 ? (byte)0 : (byte)(cluster % ClusterTags + 1);
        if (cluster >= 0)
            _lastCluster = Math.Max(_lastCluster, cluster);
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
        if (!Holds(sequence))
        {
            sendMicroseconds = 0;
            size = 0;
            cluster = -1;
            state = FeedbackState.Unreported;
            return false;
        }
        ref readonly var entry = ref _entries[sequence & (_entries.Length - 1)];
        sendMicroseconds = SendTime(in entry);
        size = entry.Size;
        cluster = Cluster(in entry);
        state = entry.State;
        return true;
    }

    // Records what a report said of a packet TryGet found.
    public void SetState(long sequence, FeedbackState state)
    {
        if (Holds(sequence))
            _entries[sequence & (_entries.Length - 1)].State = state;
    }

    // The next packet sent before `sentBeforeMicroseconds` whose last report still says lost: its final
    // verdict. Packets are visited once each, in order; the ones that arrived or were never reported
    // on (the feedback itself was lost) are passed over.
    public bool TryTakeLostVerdict(long sentBeforeMicroseconds, out long sendMicroseconds, out int size, out int cluster)
    {
        // More than a ring's worth sent since the cursor moved: the overwritten packets get no verdict.
        _verdictCursor = Math.Max(_verdictCursor, _next - _entries.Length);
        while (_verdictCursor < _next)
        {
            ref readonly var entry = ref _entries[_verdictCursor & (_entries.Length - 1)];
            if (SendTime(in entry) >= sentBeforeMicroseconds)
                break;
            _verdictCursor++;
            if (entry.State != FeedbackState.ReportedLost)
                continue;
            sendMicroseconds = SendTime(in entry);
            size = entry.Size;
            cluster = Cluster(in entry);
            return true;
        }
        sendMicroseconds = 0;
        size = 0;
        cluster = -1;
        return false;
    }

    private bool Holds(long sequence) => sequence >= 0 && sequence < _next && sequence >= _next - _entries.Length;

    private long SendTime(in Entry entry) => _baseMicroseconds + entry.SendOffset;

    // The newest cluster whose tag this is: the tag names one of the last ClusterTags clusters.
    private int Cluster(in Entry entry)
    {
        if (entry.ClusterTag == 0)
            return -1;
        var lastTag = _lastCluster % ClusterTags + 1;
        return _lastCluster - (lastTag - entry.ClusterTag + ClusterTags) % ClusterTags;
    }

    // Doubles the ring; every entry it holds keeps its sequence number (its slot moves).
    private void Grow()
    {
        var grown = new Entry[_entries.Length * 2];
        for (var sequence = Math.Max(0, _next - _entries.Length); sequence < _next; sequence++)
            grown[sequence & (grown.Length - 1)] = _entries[sequence & (_entries.Length - 1)];
        _entries = grown;
    }

    // Moves the base forward so offsets stay within 32 bits; entries older than the new base (over half
    // an hour old, long past any feedback) read as sent at the base.
    private void Rebase(long sendMicroseconds)
    {
        var step = sendMicroseconds - _baseMicroseconds - RebaseStepMicroseconds;
        for (var i = 0; i < _entries.Length; i++)
            _entries[i].SendOffset = (uint)Math.Max(0, _entries[i].SendOffset - step);
        _baseMicroseconds += step;
    }
}

namespace Meet.Modules.Media.Bandwidth;

// What we sent one subscriber, by our transport-wide sequence number: send time and size, for matching
// its transport-cc feedback (issue 11). A ring allocated once; an entry is valid only while its slot
// still holds the same unwrapped sequence number, so feedback for sequence numbers we never sent (or
// sent too long ago) is recognised and counted, never mismatched.
internal sealed class SendHistory
{
    public const int Capacity = 8192;
    private const int Mask = Capacity - 1;

    private readonly long[] _sequences = new long[Capacity];
    private readonly long[] _sendMicroseconds = new long[Capacity];
    private readonly int[] _sizes = new int[Capacity];
    private readonly int[] _clusters = new int[Capacity];
    private long _next;

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
        return (ushort)sequence;
    }

    // The 16-bit number from feedback, unwrapped against what we sent last.
    public long Unwrap(ushort sequenceNumber)
    {
        var last = _next - 1;
        return last + (short)(ushort)(sequenceNumber - (ushort)last);
    }

    public bool TryGet(long sequence, out long sendMicroseconds, out int size) => TryGet(sequence, out sendMicroseconds, out size, out _);

    public bool TryGet(long sequence, out long sendMicroseconds, out int size, out int cluster)
    {
        var slot = sequence & Mask;
        if (sequence < 0 || _sequences[slot] != sequence)
        {
            sendMicroseconds = 0;
            size = 0;
            cluster = -1;
            return false;
        }
        sendMicroseconds = _sendMicroseconds[slot];
        size = _sizes[slot];
        cluster = _clusters[slot];
        return true;
    }
}

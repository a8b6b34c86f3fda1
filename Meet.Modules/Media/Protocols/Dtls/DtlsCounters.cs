namespace Meet.Modules.Media.Protocols.Dtls;

public sealed class DtlsCounters
{
    private long _datagramsFed;
    private long _droppedQueueFull;
    private long _droppedOversize;
    private long _droppedNotDtls;
    private long _ignoredClientHellos;
    private long _applicationRecordsReceived;
    private long _applicationRecordsSent;

    public long DatagramsFed => Interlocked.Read(ref _datagramsFed);

    public long DroppedQueueFull => Interlocked.Read(ref _droppedQueueFull);

    public long DroppedOversize => Interlocked.Read(ref _droppedOversize);

    public long DroppedNotDtls => Interlocked.Read(ref _droppedNotDtls);

    // ClientHellos arriving after the association is established (RFC 6347 §4.2.8 lets a server keep the
    // old association; a new one needs an ICE restart and a fresh endpoint in WebRTC).
    public long IgnoredClientHellos => Interlocked.Read(ref _ignoredClientHellos);

    public long ApplicationRecordsReceived => Interlocked.Read(ref _applicationRecordsReceived);

    public long ApplicationRecordsSent => Interlocked.Read(ref _applicationRecordsSent);

    internal void IncrementDatagramsFed() => Interlocked.Increment(ref _datagramsFed);

    internal void IncrementDroppedQueueFull() => Interlocked.Increment(ref _droppedQueueFull);

    internal void IncrementDroppedOversize() => Interlocked.Increment(ref _droppedOversize);

    internal void IncrementDroppedNotDtls() => Interlocked.Increment(ref _droppedNotDtls);

    internal void IncrementIgnoredClientHellos() => Interlocked.Increment(ref _ignoredClientHellos);

    internal void IncrementApplicationRecordsReceived() => Interlocked.Increment(ref _applicationRecordsReceived);

    internal void IncrementApplicationRecordsSent() => Interlocked.Increment(ref _applicationRecordsSent);
}

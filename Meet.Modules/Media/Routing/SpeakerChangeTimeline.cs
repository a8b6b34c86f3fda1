namespace Meet.Modules.Media.Routing;

// The last speaker changes of every meeting on this node, each with the server's own timeline (issue 10
// "Measure": a load generator starved of CPU reads packets late, so the server stamps its part itself).
// A diagnostic read by the meeting load generator through its child server (MeetingServerProcess), not
// an API. Bounded: the oldest record goes when a new one comes.
internal sealed class SpeakerChangeTimeline
{
    public const int Capacity = 64;

    private readonly Lock _lock = new();
    private readonly Queue<SpeakerChangeRecord> _records = new();

    public void Add(SpeakerChangeRecord record)
    {
        lock (_lock)
        {
            if (_records.Count == Capacity)
                _records.Dequeue();
            _records.Enqueue(record);
        }
    }

    // Oldest first.
    public IReadOnlyList<SpeakerChangeRecord> Snapshot()
    {
        lock (_lock)
            return [.. _records];
    }
}

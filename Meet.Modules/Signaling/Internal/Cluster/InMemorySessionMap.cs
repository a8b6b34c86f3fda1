using System.Collections.Concurrent;

namespace Meet.Modules.Signaling.Internal.Cluster;

// A single node's session map: every participant is on this node, so the map is only bookkeeping that
// mirrors the rosters; no other node ever reads it.
internal sealed class InMemorySessionMap : ISessionMap
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, SessionMapEntry>> meetings = new(StringComparer.Ordinal);

    private ConcurrentDictionary<string, SessionMapEntry> Of(string meetingId) => meetings.GetOrAdd(meetingId, _ => new(StringComparer.Ordinal));

    public Task ClaimAsync(string meetingId, SessionMapEntry entry)
    {
        Of(meetingId)[entry.Info.ParticipantId] = entry;
        return Task.CompletedTask;
    }

    public void Update(string meetingId, SessionMapEntry entry)
    {
        var meeting = Of(meetingId);
        if (meeting.TryGetValue(entry.Info.ParticipantId, out var current) && current.SignalingNodeId == entry.SignalingNodeId)
            meeting[entry.Info.ParticipantId] = entry;
    }

    public Task<bool> ReleaseAsync(string meetingId, string participantId, string nodeId)
    {
        if (!meetings.TryGetValue(meetingId, out var meeting) || !meeting.TryGetValue(participantId, out var current) || current.SignalingNodeId != nodeId)
            return Task.FromResult(false);
        var removed = meeting.TryRemove(new KeyValuePair<string, SessionMapEntry>(participantId, current));
        if (meeting.IsEmpty)
            meetings.TryRemove(new KeyValuePair<string, ConcurrentDictionary<string, SessionMapEntry>>(meetingId, meeting));
        return Task.FromResult(removed);
    }

    public Task<IReadOnlyDictionary<string, SessionMapEntry>?> ReadAsync(string meetingId) =>
        Task.FromResult<IReadOnlyDictionary<string, SessionMapEntry>?>(meetings.TryGetValue(meetingId, out var meeting) ? new Dictionary<string, SessionMapEntry>(meeting) : new Dictionary<string, SessionMapEntry>());

    public Task BeatAsync(string nodeId, TimeSpan ttl) => Task.CompletedTask;

    // The only node there is.
    public Task<IReadOnlySet<string>?> LiveNodesAsync(IReadOnlyCollection<string> nodeIds) => Task.FromResult<IReadOnlySet<string>?>(nodeIds.ToHashSet());
}

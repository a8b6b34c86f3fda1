namespace Meet.Modules.Signaling.Internal.Cluster;

// The live session map (issue 15): which participant of a meeting is on which signaling node and media
// node, so any signaling node can serve any client, build a joiner's roster with the participants other
// nodes hold, and take over the participants of a node that died. In memory on a single node, a Redis
// hash per meeting in a cluster. Failures are counted by the implementation and answered as "unknown"
// (empty, false), never thrown: the meeting goes on with what this node holds.
internal interface ISessionMap
{
    // This node now serves the participant (a join, or a reconnect that moved it from another node).
    Task ClaimAsync(string meetingId, SessionMapEntry entry);

    // The participant's roster state changed; written only while this node still serves it.
    void Update(string meetingId, SessionMapEntry entry);

    // Removes the participant if the given node still serves it; true when it did.
    Task<bool> ReleaseAsync(string meetingId, string participantId, string nodeId);

    // Every participant of the meeting by id; null when the map could not be read.
    Task<IReadOnlyDictionary<string, SessionMapEntry>?> ReadAsync(string meetingId);

    // This node is alive for the next ttl.
    Task BeatAsync(string nodeId, TimeSpan ttl);

    // Which of these nodes have beaten within their ttl; null when that could not be read.
    Task<IReadOnlySet<string>?> LiveNodesAsync(IReadOnlyCollection<string> nodeIds);
}

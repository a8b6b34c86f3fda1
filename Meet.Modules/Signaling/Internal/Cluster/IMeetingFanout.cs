namespace Meet.Modules.Signaling.Internal.Cluster;

// The meeting broadcast path between signaling nodes (issue 15). A node delivers to the members it holds
// itself, then publishes here; every other node receives the event and delivers it to its own members,
// whatever their transport. Single node: LocalMeetingFanout (nobody else to tell). Cluster:
// RedisMeetingFanout (Redis pub/sub, one ordered channel per meeting).
internal interface IMeetingFanout
{
    // This signaling node, as the session map names it (32 hex characters, new with every start).
    string NodeId { get; }

    // More than one signaling node may hold members of a meeting.
    bool IsClustered { get; }

    // Never blocks and never throws: a failure is counted (meet.redis.errors) and the event is lost to
    // the other nodes, whose periodic roster check (ClusterRosterSync) repairs the roster part.
    void Publish(MeetingEvent meetingEvent);

    // From now on this node receives the meeting's events (it holds a member of it). Never throws.
    Task FollowAsync(string meetingId);

    // Receives the events of exactly these meetings (the ones it holds members of) from now on.
    Task FollowOnlyAsync(IReadOnlyCollection<string> meetingIds);

    // Events from other nodes, one at a time in the order they were published.
    event Func<MeetingEvent, Task>? Received;
}

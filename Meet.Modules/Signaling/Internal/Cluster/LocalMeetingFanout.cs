namespace Meet.Modules.Signaling.Internal.Cluster;

// A single node: every member is here, so there is nobody to tell.
internal sealed class LocalMeetingFanout : IMeetingFanout
{
    public string NodeId { get; } = Guid.NewGuid().ToString("N");

    public bool IsClustered => false;

    public void Publish(MeetingEvent meetingEvent)
    {
    }

    public Task FollowAsync(string meetingId) => Task.CompletedTask;

    public Task FollowOnlyAsync(IReadOnlyCollection<string> meetingIds) => Task.CompletedTask;

    public event Func<MeetingEvent, Task>? Received
    {
        add { }
        remove { }
    }
}

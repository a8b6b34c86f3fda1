using Microsoft.AspNetCore.SignalR;

namespace Meet.Modules.Signaling.Internal;

// Meeting-wide sends to every SignalR member of a meeting at once. The hub lifetime manager serialises a
// group message once per protocol and writes those bytes to each connection, where a send per connection
// serialises per connection (issue 13: chat fan-out to 1,000 members).
// With the Redis backplane (issue 15) a SignalR group spans every signaling node, but each node delivers
// meeting events to its own members itself (IMeetingFanout, one path for both transports), so the group
// is this node's members of the meeting only: its name carries the node id.
internal sealed class HubMeetingBroadcast(IHubContext<SignalingHub> hub, SessionRegistry registry, IServiceProvider services)
{
    private readonly Storage.IRedisConnection? redis = services.GetService(typeof(Storage.IRedisConnection)) as Storage.IRedisConnection;

    // With the backplane a group send goes through Redis: while Redis is away the node's members are
    // written one by one instead (per-connection sends stay local), so the meeting goes on here.
    public bool GroupSendsAvailable => redis is null || redis.Multiplexer.IsConnected;

    public string GroupOf(string meetingId) => registry.IsClustered ? $"meeting:{meetingId}@{registry.NodeId}" : "meeting:" + meetingId;

    // recipients: how many members the group holds, for the traffic count.
    public void SendChat(string meetingId, ChatMessage message, int recipients)
    {
        var traffic = registry.Traffic;
        traffic.Sent(recipients);
        _ = hub.Clients.Group(GroupOf(meetingId)).SendAsync("Chat", message)
            .ContinueWith(_ => traffic.ChatWritten(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}

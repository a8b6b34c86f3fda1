using System.Collections.Concurrent;
using System.Text.Json;
using Meet.Modules.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Meet.Modules.Signaling.Internal.Cluster;

// Meeting events over Redis pub/sub, one channel per meeting (`meeting-events:{meetingId}`): a node
// subscribes to the channels of the meetings it holds members of (FollowAsync, before it reads the
// session map for a new member, so no event between the read and the subscription is missed) and
// leaves the others (FollowOnlyAsync, from ClusterRosterSync's round), so a node receives the events of
// its own meetings only, not the whole fleet's. Each channel is read through its own ChannelMessageQueue:
// a meeting's events are handled one at a time in publish order (a JOINED before the MUTED that follows
// it). StackExchange.Redis resubscribes by itself after a lost connection; a subscription that failed
// while Redis was away is retried on the next round.
internal sealed partial class RedisMeetingFanout(IRedisConnection redis, ILogger<RedisMeetingFanout> logger) : IMeetingFanout, IHostedService
{
    private const string ChannelPrefix = "meeting-events:";
    private readonly ConcurrentDictionary<string, Lazy<Task<ChannelMessageQueue>>> followed = new(StringComparer.Ordinal);

    public string NodeId { get; } = Guid.NewGuid().ToString("N");

    public bool IsClustered => true;

    public event Func<MeetingEvent, Task>? Received;

    // The meetings whose channel this node is subscribed to (tests, docs/ha.md).
    public IReadOnlyCollection<string> FollowedMeetings => [.. followed.Keys];

    public void Publish(MeetingEvent meetingEvent)
    {
        try
        {
            var payload = JsonSerializer.Serialize(meetingEvent);
            _ = redis.Multiplexer.GetSubscriber().PublishAsync(ChannelOf(meetingEvent.MeetingId), payload)
                .ContinueWith(t => redis.CountError("fanout.publish", t.Exception!.GetBaseException()), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        catch (RedisException ex)
        {
            redis.CountError("fanout.publish", ex);
        }
    }

    public async Task FollowAsync(string meetingId)
    {
        var subscription = followed.GetOrAdd(meetingId, id => new Lazy<Task<ChannelMessageQueue>>(() => SubscribeAsync(id)));
        try
        {
            await subscription.Value.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or ObjectDisposedException)
        {
            // Counted; the next round tries again (the node goes on with what it holds).
            followed.TryRemove(new KeyValuePair<string, Lazy<Task<ChannelMessageQueue>>>(meetingId, subscription));
            redis.CountError("fanout.subscribe", ex);
        }
    }

    public async Task FollowOnlyAsync(IReadOnlyCollection<string> meetingIds)
    {
        foreach (var meetingId in meetingIds)
            await FollowAsync(meetingId).ConfigureAwait(false);
        var wanted = meetingIds as ISet<string> ?? new HashSet<string>(meetingIds, StringComparer.Ordinal);
        foreach (var (meetingId, subscription) in followed.ToArray())
            if (!wanted.Contains(meetingId) && followed.TryRemove(new KeyValuePair<string, Lazy<Task<ChannelMessageQueue>>>(meetingId, subscription)))
                await UnsubscribeQuietlyAsync(subscription).ConfigureAwait(false);
    }

    private RedisChannel ChannelOf(string meetingId) => redis.Channel(ChannelPrefix + meetingId);

    private async Task<ChannelMessageQueue> SubscribeAsync(string meetingId)
    {
        var multiplexer = await redis.Connected.ConfigureAwait(false);
        var queue = await multiplexer.GetSubscriber().SubscribeAsync(ChannelOf(meetingId)).ConfigureAwait(false);
        queue.OnMessage(HandleAsync);
        return queue;
    }

    private static async Task UnsubscribeQuietlyAsync(Lazy<Task<ChannelMessageQueue>> subscription)
    {
        try
        {
            await (await subscription.Value.ConfigureAwait(false)).UnsubscribeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or ObjectDisposedException)
        {
            // Redis is away: the subscription went with the connection.
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken) => await redis.Connected.ConfigureAwait(false);
    private async Task HandleAsync(ChannelMessage message)
    {
        MeetingEvent? meetingEvent;
        try
        {
            meetingEvent = JsonSerializer.Deserialize<MeetingEvent>(message.Message.ToString());
        }
        catch (JsonException ex)
        {
            LogMalformed(ex.Message);
            return;
        }
        if (meetingEvent is null || meetingEvent.OriginNode == NodeId || Received is not { } handler)
            return;
        try
        {
            await handler(meetingEvent).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // One bad event must not stop the queue.
            LogHandlerFailed(ex, meetingEvent.Kind, meetingEvent.MeetingId);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var meetingId in followed.Keys)
            if (followed.TryRemove(meetingId, out var subscription))
                await UnsubscribeQuietlyAsync(subscription).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 5201, Level = LogLevel.Warning, Message = "Dropped a malformed meeting event: {Reason}")]
    private partial void LogMalformed(string reason);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Error, Message = "Handling a {Kind} event of meeting {MeetingId} failed")]
    private partial void LogHandlerFailed(Exception exception, MeetingEventKind kind, string meetingId);
}

using System.Text.Json;
using Meet.Modules.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Meet.Modules.Signaling.Internal.Cluster;

// Meeting events over one Redis pub/sub channel. Read through a ChannelMessageQueue, so events are
// handled one at a time in publish order (a JOINED before the MUTED that follows it); StackExchange.Redis
// resubscribes by itself after a lost connection. Every node receives every meeting's events and drops
// those of meetings it holds nobody of: fine for a handful of signaling nodes; a per-meeting channel is
// the step for a large fleet (docs/ha.md).
internal sealed partial class RedisMeetingFanout(IRedisConnection redis, ILogger<RedisMeetingFanout> logger) : IMeetingFanout, IHostedService
{
    private const string ChannelName = "meeting-events";
    private ChannelMessageQueue? queue;

    public string NodeId { get; } = Guid.NewGuid().ToString("N");

    public bool IsClustered => true;

    public event Func<MeetingEvent, Task>? Received;

    public void Publish(MeetingEvent meetingEvent)
    {
        try
        {
            var payload = JsonSerializer.Serialize(meetingEvent);
            _ = redis.Multiplexer.GetSubscriber().PublishAsync(redis.Channel(ChannelName), payload)
                .ContinueWith(t => redis.CountError("fanout.publish", t.Exception!.GetBaseException()), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        catch (RedisException ex)
        {
            redis.CountError("fanout.publish", ex);
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var multiplexer = await redis.Connected.ConfigureAwait(false);
        queue = await multiplexer.GetSubscriber().SubscribeAsync(redis.Channel(ChannelName)).ConfigureAwait(false);
        queue.OnMessage(HandleAsync);
    }

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
        try
        {
            if (queue is not null)
                await queue.UnsubscribeAsync().ConfigureAwait(false);
        }
        catch (RedisException)
        {
            // Stopping while Redis is away: nothing to unsubscribe from.
        }
    }

    [LoggerMessage(EventId = 5201, Level = LogLevel.Warning, Message = "Dropped a malformed meeting event: {Reason}")]
    private partial void LogMalformed(string reason);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Error, Message = "Handling a {Kind} event of meeting {MeetingId} failed")]
    private partial void LogHandlerFailed(Exception exception, MeetingEventKind kind, string meetingId);
}

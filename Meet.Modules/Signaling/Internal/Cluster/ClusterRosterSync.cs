using Meet.Modules.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Meet.Modules.Signaling.Internal.Cluster;

// A clustered signaling node's heartbeat in the session map and its periodic roster check (issue 15):
// every second it beats (its entries stay trusted while it does), then checks each meeting it holds
// members of against the map (SessionRegistry.ReconcileAsync) and keeps its meeting channels to those
// meetings (IMeetingFanout.FollowOnlyAsync). Redis coming back after a loss wakes it
// at once, so what this node held is written back without waiting for the next round.
internal sealed partial class ClusterRosterSync(SessionRegistry registry, ISessionMap sessionMap, IMeetingFanout fanout, IRedisConnection redis, ILogger<ClusterRosterSync> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    // Three missed beats before other nodes stop trusting this node's entries.
    public static readonly TimeSpan NodeTtl = TimeSpan.FromSeconds(3);

    private readonly SemaphoreSlim wake = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        redis.Restored += Wake;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await sessionMap.BeatAsync(fanout.NodeId, NodeTtl).ConfigureAwait(false);
                    var meetings = registry.RosterMeetingIds;
                    // The meeting channels of exactly the meetings this node holds members of.
                    await fanout.FollowOnlyAsync(meetings).ConfigureAwait(false);
                    foreach (var meetingId in meetings)
                        await registry.ReconcileAsync(meetingId).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogRoundFailed(ex);
                }
                await wake.WaitAsync(Interval, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            redis.Restored -= Wake;
        }
    }

    private void Wake()
    {
        try
        {
            wake.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    public override void Dispose()
    {
        wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 5301, Level = LogLevel.Warning, Message = "Cluster roster check failed")]
    private partial void LogRoundFailed(Exception exception);
}

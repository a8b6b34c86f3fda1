using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Meet.Modules.Signaling.Internal;

// Drops sessions whose client has been silent for Signaling:HeartbeatTimeout, which frees their media
// (a dead TCP connection can take minutes to notice otherwise). Ended meetings: EndedMeetingWatcher.
internal sealed class HeartbeatMonitor(SessionRegistry registry, TimeProvider time, ILogger<HeartbeatMonitor> logger) : BackgroundService
{
    // Queued thread-pool work items beyond which the node counts as overloaded (no reconnecting marks).
    private const int ThreadPoolBacklog = 256;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timeout = registry.Options.HeartbeatTimeout;
        var period = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(1).Ticks));
        using var timer = new PeriodicTimer(period, time);
        var lastTick = time.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var sessions = registry.Sessions.ToArray();
                var staleAfter = timeout * 2 / 3;
                // When this node is late (starved of CPU: this tick came a period late, the thread pool has a
                // backlog, or most sessions look silent at once) its read loops are behind too, and silence is
                // ours, not the clients'. Marking them reconnecting then would send each change to every member
                // (O(N²) roster traffic) exactly when the node can least afford it: measured with 500 clients
                // in one starved process before this guard, 600,000 extra roster updates.
                var tickLate = time.GetElapsedTime(lastTick) > period * 2;
                lastTick = time.GetTimestamp();
                var nodeLate = tickLate || ThreadPool.PendingWorkItemCount > ThreadPoolBacklog
                    || (sessions.Length > 10 && sessions.Count(s => s.SilentFor > staleAfter) * 2 > sessions.Length);
                foreach (var session in sessions)
                {
                    var silentFor = session.SilentFor;
                    // Issue 13: the roster says "reconnecting" before the session is dropped, so others
                    // see a frozen participant explained; the next message clears it (OnMessage).
                    if (!nodeLate && silentFor > staleAfter)
                        session.MarkSignalingStale(true);
                    if (silentFor <= timeout)
                        continue;
                    logger.LogInformation("Dropping silent participant {ParticipantId} of {MeetingId}", session.ParticipantId, session.MeetingId);
                    session.Peer.SendError(SignalingErrorCodes.HeartbeatTimeout, $"no message for {timeout.TotalSeconds:0.###} s; the session was closed");
                    session.Peer.Close();
                    await registry.LeaveAsync(session).ConfigureAwait(false);
                }
                registry.FlushDeferredRosterChanges();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

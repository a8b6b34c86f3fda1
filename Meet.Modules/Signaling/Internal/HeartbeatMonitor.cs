using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Meet.Modules.Signaling.Internal;

// Drops sessions whose client has been silent for Signaling:HeartbeatTimeout, which frees their media;
// a dead TCP connection can take minutes to notice otherwise.
internal sealed class HeartbeatMonitor(SessionRegistry registry, TimeProvider time, ILogger<HeartbeatMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timeout = registry.Options.HeartbeatTimeout;
        var period = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(1).Ticks));
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                foreach (var session in registry.Sessions.ToArray())
                {
                    if (session.SilentFor <= timeout)
                        continue;
                    logger.LogInformation("Dropping silent participant {ParticipantId} of {MeetingId}", session.ParticipantId, session.MeetingId);
                    session.Peer.SendError(SignalingErrorCodes.HeartbeatTimeout, $"no message for {timeout.TotalSeconds:0.###} s; the session was closed");
                    session.Peer.Close();
                    await registry.LeaveAsync(session).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

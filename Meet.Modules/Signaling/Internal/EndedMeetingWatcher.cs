using Meet.Modules.Meetings;
using Meet.Modules.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Meet.Modules.Signaling.Internal;

// Closes the sessions of ended meetings. A meeting ended over REST in this process is announced
// (IMeetingEndNotifications) and closed at once; one ended over signaling closes itself, on other nodes
// through the cluster's Ended event. Storage is read only as a backstop, once per
// Signaling:EndedMeetingCheckInterval and in one query for every meeting this node holds (it used to be
// one read per meeting every second).
internal sealed partial class EndedMeetingWatcher(
    SessionRegistry registry,
    IMeetingEndNotifications endNotifications,
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger<EndedMeetingWatcher> logger) : BackgroundService
{
    public long StorageChecks => Interlocked.Read(ref storageChecks);

    private long storageChecks;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        endNotifications.MeetingEnded += OnMeetingEnded;
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        endNotifications.MeetingEnded -= OnMeetingEnded;
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    private void OnMeetingEnded(string meetingId) => _ = CloseAsync(meetingId);

    private async Task CloseAsync(string meetingId)
    {
        try
        {
            await registry.CloseEndedMeetingAsync(meetingId).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogCloseFailed(ex, meetingId);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(registry.Options.EndedMeetingCheckInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
                await CheckStorageAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    // The backstop: one storage read for every meeting this node holds (sessions, or chat and roles).
    public async Task CheckStorageAsync(CancellationToken cancellationToken)
    {
        registry.ForgetEndedMarks();
        var live = registry.LiveMeetingIds;
        if (live.Count == 0)
            return;
        IReadOnlyCollection<string> ended;
        try
        {
            using var scope = scopes.CreateScope();
            Interlocked.Increment(ref storageChecks);
            ended = await scope.ServiceProvider.GetRequiredService<IMeetingRepository>().FindEndedAsync(live, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCheckFailed(ex, live.Count);
            return;
        }
        foreach (var meetingId in ended)
            await CloseAsync(meetingId).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 4111, Level = LogLevel.Warning, Message = "Could not close the sessions of ended meeting {MeetingId}")]
    private partial void LogCloseFailed(Exception ex, string meetingId);

    [LoggerMessage(EventId = 4112, Level = LogLevel.Warning, Message = "Could not check whether any of {Count} meetings ended")]
    private partial void LogCheckFailed(Exception ex, int count);
}

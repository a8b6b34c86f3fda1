using Meet.Modules.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Meet.Modules.Media.Internal;

// Issue 11: stores the SFU's quality events (participant_quality_logs) in batches, once a second, one
// transaction per batch. Without a storage module (an integrator's media-only host) events are counted
// and dropped.
internal sealed partial class QualityLogWriter(MediaModule media, IServiceProvider services, ILogger<QualityLogWriter> logger) : BackgroundService
{
    public const int BatchSize = 500;

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var repository = services.GetService<IQualityLogRepository>();
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
                await FlushAsync(repository, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        // What is queued at shutdown still goes out (bounded: one batch at most per 500 rows).
        await FlushAsync(repository, CancellationToken.None).ConfigureAwait(false);
    }

    public async Task FlushAsync(IQualityLogRepository? repository, CancellationToken cancellationToken)
    {
        var queue = media.QualityLog;
        while (queue.Count > 0)
        {
            var batch = queue.Take(BatchSize);
            if (batch.Count == 0)
                return;
            if (repository is null)
            {
                queue.OnFailed(batch.Count);
                continue;
            }
            try
            {
                await repository.AddAsync(batch, cancellationToken).ConfigureAwait(false);
                queue.OnWritten(batch.Count);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                queue.OnFailed(batch.Count);
                LogWriteFailed(ex, batch.Count);
            }
        }
    }

    [LoggerMessage(EventId = 5011, Level = LogLevel.Warning, Message = "Could not store {Count} quality log rows; they are dropped")]
    private partial void LogWriteFailed(Exception exception, int count);
}

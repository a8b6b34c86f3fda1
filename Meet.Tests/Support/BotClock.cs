namespace Meet.Tests.Support;

// The media clock of the tests' bot publishers: calls `tick` with a running count every 20 ms (one Opus
// frame) until disposed, so every bot of a test sends from one timer.
internal sealed class BotClock : IAsyncDisposable
{
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(20);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private BotClock(Action<int> tick) => _loop = RunAsync(tick, _stop.Token);

    public static BotClock Start(Action<int> tick) => new(tick);

    private static async Task RunAsync(Action<int> tick, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Period);
        var count = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
                tick(count++);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}

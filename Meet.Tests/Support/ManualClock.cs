namespace Meet.Tests.Support;

// Wall clock the test moves by hand; timers and timestamps keep the system's behaviour.
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    private DateTimeOffset now = now;

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}

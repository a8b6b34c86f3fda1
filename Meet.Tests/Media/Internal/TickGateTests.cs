using Meet.Modules.Media.Internal;

namespace Meet.Tests.Media.Internal;

[TestFixture]
public sealed class TickGateTests
{
    [Test]
    public void A_tick_that_fires_while_the_previous_one_runs_is_skipped_and_counted()
    {
        var gate = new TickGate();
        gate.TryEnter().Should().BeTrue();
        gate.TryEnter().Should().BeFalse("the previous tick still runs");
        gate.TryEnter().Should().BeFalse();
        gate.Skipped.Should().Be(2);
        gate.Exit();
        gate.TryEnter().Should().BeTrue("the previous tick finished");
        gate.Skipped.Should().Be(2);
    }

    [Test]
    public void Concurrent_timer_callbacks_never_run_the_tick_twice_at_once()
    {
        var gate = new TickGate();
        var inside = 0;
        var overlaps = 0;
        var ran = 0;
        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            if (!gate.TryEnter())
                return;
            if (Interlocked.Increment(ref inside) > 1)
                Interlocked.Increment(ref overlaps);
            Interlocked.Increment(ref ran);
            Thread.SpinWait(50);
            Interlocked.Decrement(ref inside);
            gate.Exit();
        });
        overlaps.Should().Be(0);
        (ran + gate.Skipped).Should().Be(20_000, "every callback either ran or was counted as skipped");
    }
}

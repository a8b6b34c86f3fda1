using Meet.Modules.Media.Mixing;

namespace Meet.Tests.Media.Mixing;

[TestFixture]
public sealed class FrameClockTests
{
    [Test]
    public void Late_wake_ups_do_not_drift_the_schedule()
    {
        var clock = new FrameClock(start: 0, period: 20);
        var frames = 0;
        // Every wake-up 7 units late: the deadlines stay on multiples of 20.
        for (var deadline = 20L; deadline <= 2000; deadline += 20)
            frames += clock.Due(deadline + 7, out _);
        frames.Should().Be(100);
        clock.NextDeadline.Should().Be(2020);
    }

    [Test]
    public void A_wake_up_two_frames_late_owes_both_frames()
    {
        var clock = new FrameClock(start: 0, period: 20);
        clock.Due(19, out _).Should().Be(0);
        clock.Due(45, out var skipped).Should().Be(2);
        skipped.Should().Be(0);
        clock.NextDeadline.Should().Be(60);
    }

    [Test]
    public void After_a_stall_the_clock_resynchronises_and_reports_the_skipped_frames()
    {
        var clock = new FrameClock(start: 0, period: 20);
        clock.Due(1000, out var skipped).Should().Be(1);
        skipped.Should().Be(49);
        clock.NextDeadline.Should().Be(1020);
    }
}

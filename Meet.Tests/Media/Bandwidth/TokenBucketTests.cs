using Meet.Modules.Media.Bandwidth;

namespace Meet.Tests.Media.Bandwidth;

public sealed class TokenBucketTests
{
    private const long TicksPerSecond = 1_000_000;

    [Test]
    public void A_nack_flood_gets_the_burst_then_the_steady_rate_and_no_more()
    {
        var bucket = new TokenBucket(TicksPerSecond);
        var granted = 0;
        // 17 packets per NACK, 1,000 NACKs in one second, against 250 packets a second with a burst of 250.
        for (var i = 0; i < 17_000; i++)
            granted += bucket.TryTake(1, 250, 250, 1 + i * (TicksPerSecond / 17_000)) ? 1 : 0;

        granted.Should().BeInRange(490, 510, "the burst of 250 plus 250 for the second that passed");
    }

    [Test]
    public void Ordinary_loss_repair_is_never_limited()
    {
        var bucket = new TokenBucket(TicksPerSecond);
        // 20 NACKed packets a second (a 720p stream at ~10 % loss) for a minute.
        for (var i = 0; i < 1200; i++)
            bucket.TryTake(1, 250, 250, 1 + i * (TicksPerSecond / 20)).Should().BeTrue();
    }

    [Test]
    public void A_take_that_does_not_fit_takes_nothing()
    {
        var bucket = new TokenBucket(TicksPerSecond);
        bucket.TryTake(1_000, 4_000, 1_000, 0).Should().BeTrue("it starts full");
        bucket.TryTake(600, 4_000, 1_000, TicksPerSecond / 10).Should().BeFalse("400 refilled in 100 ms");
        bucket.TryTake(400, 4_000, 1_000, TicksPerSecond / 10).Should().BeTrue("the refused take left the 400");
    }

    [Test]
    public void A_rate_that_falls_with_the_estimate_shrinks_the_depth_at_the_next_refill()
    {
        var bucket = new TokenBucket(TicksPerSecond);
        bucket.TryTake(0, 10_000, 10_000, 0).Should().BeTrue();
        // The rate (and its depth) fell to a tenth: an idle second refills to the new depth only.
        bucket.TryTake(1_001, 1_000, 1_000, TicksPerSecond).Should().BeFalse();
        bucket.TryTake(1_000, 1_000, 1_000, TicksPerSecond).Should().BeTrue();
    }

    [Test]
    public void Time_going_backwards_between_threads_neither_refills_nor_throws()
    {
        var bucket = new TokenBucket(TicksPerSecond);
        bucket.TryTake(10, 10, 10, TicksPerSecond).Should().BeTrue();
        bucket.TryTake(1, 10, 10, TicksPerSecond / 2).Should().BeFalse("an earlier timestamp adds no tokens");
    }
}

using Meet.PacketEngine.FaultInjection.Internal;

namespace Meet.Tests.PacketEngine.FaultInjection;

public sealed class TokenBucketTests
{
    // Timestamps in microseconds.
    private const long Frequency = 1_000_000;

    [Test]
    public void A_full_bucket_passes_its_depth_then_refuses()
    {
        var bucket = new TokenBucket(8_000, 3000, Frequency, now: 0);

        bucket.TryTake(1000, 0).Should().BeTrue();
        bucket.TryTake(1000, 0).Should().BeTrue();
        bucket.TryTake(1000, 0).Should().BeTrue();
        bucket.TryTake(1000, 0).Should().BeFalse();
    }

    [Test]
    public void Tokens_refill_at_the_rate_and_never_beyond_the_depth()
    {
        // 8,000 bit/s = 1,000 bytes per second.
        var bucket = new TokenBucket(8_000, 1500, Frequency, now: 0);
        bucket.TryTake(1500, 0).Should().BeTrue();

        bucket.TryTake(500, 400_000).Should().BeFalse("only 400 bytes came back in 0.4 s");
        bucket.TryTake(500, 500_000).Should().BeTrue();
        bucket.TryTake(1501, 60_000_000).Should().BeFalse("a minute idle still fills only to the depth");
        bucket.TryTake(1500, 60_000_000).Should().BeTrue();
    }
}

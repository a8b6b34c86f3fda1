using Meet.Modules.Client;

namespace Meet.Tests.Client;

public sealed class ReconnectBackoffTests
{
    private static readonly ReconnectBackoff NoJitter = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), 0, 10);

    [Test]
    public void Delay_doubles_with_each_attempt_until_the_cap()
    {
        var delays = Enumerable.Range(0, 8).Select(a => NoJitter.GetDelay(a, new Random(1)).TotalMilliseconds).ToArray();

        delays.Should().Equal(100, 200, 400, 800, 1600, 2000, 2000, 2000);
    }

    [Test]
    public void Jitter_stays_within_its_fraction_of_the_delay_and_spreads_clients_out()
    {
        var backoff = NoJitter with { JitterFraction = 0.3 };
        var random = new Random(42);

        var delays = Enumerable.Range(0, 500).Select(_ => backoff.GetDelay(3, random).TotalMilliseconds).ToArray();

        delays.Should().OnlyContain(d => d >= 800 * 0.7 && d <= 800 * 1.3);
        delays.Distinct().Count().Should().BeGreaterThan(400, "clients dropped together must not retry together");
        delays.Min().Should().BeLessThan(700);
        delays.Max().Should().BeGreaterThan(900);
    }

    [Test]
    public void A_seeded_random_gives_the_same_delays_and_the_jitter_is_centred_on_the_capped_delay()
    {
        var backoff = NoJitter with { JitterFraction = 0.5 };

        var first = Enumerable.Range(0, 8).Select(a => backoff.GetDelay(a, new Random(7))).ToArray();
        var again = Enumerable.Range(0, 8).Select(a => backoff.GetDelay(a, new Random(7))).ToArray();
        var random = new Random(11);
        var atCap = Enumerable.Range(0, 4000).Select(_ => backoff.GetDelay(9, random).TotalMilliseconds).ToArray();

        again.Should().Equal(first);
        // ± jitter, not + jitter: the mean stays at min(max_delay, base x 2^attempt).
        atCap.Average().Should().BeApproximately(2000, 40);
        atCap.Should().OnlyContain(d => d >= 1000 && d <= 3000);
    }

    [Test]
    public void Huge_attempt_numbers_do_not_overflow()
    {
        NoJitter.GetDelay(int.MaxValue, new Random(1)).Should().Be(TimeSpan.FromSeconds(2));
    }
}

using Meet.Modules.Client.Media;

namespace Meet.Tests.Client.Media;

// The transport-wide arrivals a subscriber has not reported yet: in sequence order whatever the arrival
// order, each sequence number once, the reported prefix dropped.
[TestFixture]
public sealed class PendingArrivalsTests
{
    [Test]
    public void Arrivals_stay_in_sequence_order_duplicates_are_ignored_and_the_reported_prefix_goes()
    {
        var arrivals = new PendingArrivals(4);
        arrivals.TryAdd(10, 100).Should().BeTrue();
        arrivals.TryAdd(13, 130).Should().BeTrue();
        arrivals.TryAdd(11, 110).Should().BeTrue("a late packet goes where it belongs");
        arrivals.TryAdd(9, 90).Should().BeTrue();
        arrivals.TryAdd(13, 999).Should().BeFalse("a duplicate keeps the first arrival");
        arrivals.TryAdd(11, 999).Should().BeFalse();
        arrivals.TryAdd(14, 140).Should().BeTrue("grows past its first capacity");

        Enumerable.Range(0, arrivals.Count).Select(i => arrivals[i]).Should().Equal((9L, 90L), (10L, 100L), (11L, 110L), (13L, 130L), (14L, 140L));

        arrivals.RemoveFirst(3);
        Enumerable.Range(0, arrivals.Count).Select(i => arrivals[i]).Should().Equal((13L, 130L), (14L, 140L));
        arrivals.TryAdd(12, 120).Should().BeTrue("a packet older than the rest but not reported yet");
        arrivals[0].Should().Be((12L, 120L));
    }
}

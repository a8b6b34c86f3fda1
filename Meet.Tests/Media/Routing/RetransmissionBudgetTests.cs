using Meet.Modules.Media.Routing;

namespace Meet.Tests.Media.Routing;

public sealed class RetransmissionBudgetTests
{
    private const long TicksPerSecond = 1_000_000;

    [Test]
    public void A_nack_flood_gets_the_burst_then_the_steady_rate_and_no_more()
    {
        var budget = new RetransmissionBudget(TicksPerSecond, perSecond: 250, burst: 250);
        var granted = 0;
        // 17 packets per NACK, 1,000 NACKs in one second.
        for (var i = 0; i < 17_000; i++)
            granted += budget.TryTake(1 + i * (TicksPerSecond / 17_000)) ? 1 : 0;

        granted.Should().BeInRange(490, 510, "the burst of 250 plus 250 for the second that passed");
    }

    [Test]
    public void Ordinary_loss_repair_is_never_limited()
    {
        var budget = new RetransmissionBudget(TicksPerSecond);
        // 20 NACKed packets a second (a 720p stream at ~10 % loss) for a minute.
        for (var i = 0; i < 1200; i++)
            budget.TryTake(1 + i * (TicksPerSecond / 20)).Should().BeTrue();
    }
}

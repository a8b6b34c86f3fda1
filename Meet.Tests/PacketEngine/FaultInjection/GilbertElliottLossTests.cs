using Meet.PacketEngine.FaultInjection.Internal;

namespace Meet.Tests.PacketEngine.FaultInjection;

public sealed class GilbertElliottLossTests
{
    [Test]
    public void Disabled_model_never_drops()
    {
        var model = new GilbertElliottLoss(0, 0.5, 1);
        var random = new Random(1);

        Enumerable.Range(0, 10_000).Count(_ => model.ShouldDrop(random)).Should().Be(0);
    }

    [Test]
    public void Loss_in_the_bad_state_sets_the_share_of_bad_datagrams_lost()
    {
        var model = new GilbertElliottLoss(0.05, 0.05, 0.5);
        var random = new Random(3);
        int bad = 0, lost = 0;

        for (var i = 0; i < 200_000; i++)
        {
            var dropped = model.ShouldDrop(random);
            if (model.InBadState)
                bad++;
            if (dropped)
                lost++;
        }

        (bad / 200_000.0).Should().BeApproximately(0.5, 0.05);
        ((double)lost / bad).Should().BeApproximately(0.5, 0.02);
    }
}

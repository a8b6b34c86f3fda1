namespace Meet.PacketEngine.FaultInjection.Internal;

// Two-state Markov loss model (Gilbert 1960, Elliott 1963) as netem's "loss gemodel": per datagram
// the link first moves Good->Bad with probability p or Bad->Good with probability r, then a datagram
// in Bad is lost with probability h. Stationary loss = h * p / (p + r); mean bad run = 1 / r.
internal sealed class GilbertElliottLoss(double enterBad, double exitBad, double lossInBad)
{
    public bool InBadState { get; private set; }

    public bool IsEnabled => enterBad > 0;

    public bool ShouldDrop(Random random)
    {
        if (!IsEnabled)
            return false;
        InBadState = InBadState ? random.NextDouble() >= exitBad : random.NextDouble() < enterBad;
        return InBadState && random.NextDouble() < lossInBad;
    }
}

namespace Meet.Modules.Media.Bandwidth;

// The delay-based rate controller of GCC (draft-ietf-rmcat-gcc-02 §5.5, libwebrtc aimd_rate_control.cc):
// overuse → decrease to 0.85 × the acknowledged rate and remember it as the link capacity; normal →
// increase, multiplicatively (8 %/s) while far from that capacity, additively (about one packet per
// response time) near it; underuse → hold while queues drain. The increase never runs more than 1.5 ×
// ahead of what actually got through, so an estimate is always backed by delivered bytes.
internal sealed class AimdRateControl
{
    private const double Beta = 0.85;
    private const double MultiplicativeRatePerSecond = 1.08;
    private const double PacketBits = 1200 * 8;

    private enum RateState
    {
        Hold,
        Increase,
        Decrease,
    }

    private RateState _state = RateState.Hold;
    private double _lastUpdateMs = double.NaN;
    private double _capacityEstimate = double.NaN;
    private double _capacityVariance = 0.4;

    public AimdRateControl(double startBitrate, double minBitrate, double maxBitrate)
    {
        MinBitrate = minBitrate;
        MaxBitrate = maxBitrate;
        Bitrate = Math.Clamp(startBitrate, minBitrate, maxBitrate);
    }

    public double Bitrate { get; private set; }

    public double MinBitrate { get; }

    public double MaxBitrate { get; }

    public bool NearCapacity => !double.IsNaN(_capacityEstimate);

    public double Update(BandwidthUsage usage, double acknowledgedBitrate, double nowMs, double rttMs)
    {
        var elapsedMs = double.IsNaN(_lastUpdateMs) ? 0 : Math.Clamp(nowMs - _lastUpdateMs, 0, 1000);
        _lastUpdateMs = nowMs;
        _state = (usage, _state) switch
        {
            (BandwidthUsage.Overusing, _) => RateState.Decrease,
            (BandwidthUsage.Underusing, _) => RateState.Hold,
            (BandwidthUsage.Normal, RateState.Hold) => RateState.Increase,
            (_, var state) => state,
        };
        switch (_state)
        {
            case RateState.Increase:
                // The capacity estimate is stale once more got through than it allows (3 standard deviations).
                if (NearCapacity && acknowledgedBitrate > _capacityEstimate + 3 * Math.Sqrt(_capacityVariance * _capacityEstimate))
                    _capacityEstimate = double.NaN;
                var increase = NearCapacity
                    ? Math.Max(1000, PacketBits * elapsedMs / (rttMs + 100))
                    : Math.Max(1000, Bitrate * (Math.Pow(MultiplicativeRatePerSecond, elapsedMs / 1000) - 1));
                var next = Bitrate + increase;
                if (acknowledgedBitrate > 0)
                    next = Math.Min(next, Math.Max(Bitrate, 1.5 * acknowledgedBitrate + 10_000));
                Bitrate = next;
                break;
            case RateState.Decrease:
                if (acknowledgedBitrate > 0)
                {
                    var decreased = Beta * acknowledgedBitrate;
                    // Never raise the rate in answer to overuse.
                    Bitrate = Math.Min(Bitrate, decreased);
                    UpdateCapacity(acknowledgedBitrate);
                }
                else
                {
                    Bitrate *= Beta;
                }
                _state = RateState.Hold;
                break;
        }
        Bitrate = Math.Clamp(Bitrate, MinBitrate, MaxBitrate);
        return Bitrate;
    }

    // A successful probe proved this rate: start from it, with the old capacity estimate forgotten.
    public void Reset(double bitrate)
    {
        Bitrate = Math.Clamp(bitrate, MinBitrate, MaxBitrate);
        _capacityEstimate = double.NaN;
        _state = RateState.Hold;
    }

    // Exponential average (and normalised variance) of the rates at which overuse happened.
    private void UpdateCapacity(double sample)
    {
        const double Alpha = 0.05;
        _capacityEstimate = double.IsNaN(_capacityEstimate) ? sample : (1 - Alpha) * _capacityEstimate + Alpha * sample;
        var norm = Math.Max(_capacityEstimate, 1.0);
        var error = _capacityEstimate - sample;
        _capacityVariance = Math.Clamp((1 - Alpha) * _capacityVariance + Alpha * error * error / norm, 0.4, 2.5);
    }
}

namespace Meet.Modules.Media.Bandwidth;

// The loss-based half of GCC (draft-ietf-rmcat-gcc-02 §6): under 2 % loss the rate may grow 8 % per
// second, over 10 % it is cut by half the loss fraction (at most once per 300 ms + RTT, so one burst
// is not counted twice), in between it holds.
internal sealed class LossBasedRateControl
{
    private double _lastDecreaseMs = double.NegativeInfinity;
    private double _lastUpdateMs = double.NaN;

    public LossBasedRateControl(double startBitrate, double minBitrate, double maxBitrate)
    {
        MinBitrate = minBitrate;
        MaxBitrate = maxBitrate;
        Bitrate = startBitrate;
    }

    public double Bitrate { get; private set; }

    public double MinBitrate { get; }

    public double MaxBitrate { get; }

    public double Update(double lossFraction, double nowMs, double rttMs)
    {
        var elapsedMs = double.IsNaN(_lastUpdateMs) ? 0 : Math.Clamp(nowMs - _lastUpdateMs, 0, 1000);
        _lastUpdateMs = nowMs;
        if (lossFraction <= 0.02)
            Bitrate = Bitrate * Math.Pow(1.08, elapsedMs / 1000) + 1000 * elapsedMs / 1000;
        else if (lossFraction > 0.10 && nowMs - _lastDecreaseMs >= 300 + rttMs)
        {
            Bitrate *= 1 - 0.5 * lossFraction;
            _lastDecreaseMs = nowMs;
        }
        Bitrate = Math.Clamp(Bitrate, MinBitrate, MaxBitrate);
        return Bitrate;
    }

    public void Reset(double bitrate) => Bitrate = Math.Clamp(bitrate, MinBitrate, MaxBitrate);

    // The delay-based estimate bounds this one from above, so the two never drift apart.
    public void CapAt(double bitrate) => Bitrate = Math.Clamp(Math.Min(Bitrate, bitrate), MinBitrate, MaxBitrate);
}

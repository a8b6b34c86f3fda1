namespace Meet.Modules.Media.Bandwidth;

// Finding headroom after a dip (issue 11: "estimates that never recover" is a known SFU bug). AIMD alone
// grows 8 % per second and never past 1.5 × what got through, so a subscriber knocked down to 180p would
// take ~20 s to earn 720p back. While the sender wants more than the estimate and the path has been
// clean (no overuse, loss under the 10 % at which the loss controller cuts) for the backoff interval, a
// probe cluster is asked for (GCC probing,
// as libwebrtc's ProbeController does it): for a few tens of milliseconds the SFU sends padding on the RTX
// stream so that everything sent runs at Target — three times the estimate (one simulcast step, 150 → 500
// → 1,500 kbps), at most what is wanted and never above the configured cap. Layers do not move for a probe:
// only its measured result (ProbeBitrateEstimator) raises the estimate, and then the allocator climbs.
// A result at 85 % of the target or more is a success and the next probe may follow after 0.5 s (so a
// lifted cap is found in two or three steps); a lower result found the path's limit, and a probe that ends
// in overuse, loss over 5 % or no result doubles the backoff (2 s up to 5 s), so a capped link is not
// probed into loss over and over.
internal sealed class ProbeController
{
    public const double ResultTimeoutMs = 1500;
    private const double AfterSuccessMs = 500;
    private const double MinBackoffMs = 2000;
    private const double MaxBackoffMs = 5000;
    private const double SuccessRatio = 0.85;

    private double _backoffMs = MinBackoffMs;
    private double _cleanSinceMs = double.NaN;
    private double _probeEndMs;
    private int _nextClusterId;

    public ProbeController(double maxBitrate = double.PositiveInfinity) => MaxBitrate = maxBitrate;

    // Probes never ask for more than this (Media:ProbeMaxBitrate).
    public double MaxBitrate { get; }

    // The rate of the probe awaiting its result; null when none runs.
    public double? Target { get; private set; }

    public int ClusterId { get; private set; } = -1;

    public long Started { get; private set; }

    public long Succeeded { get; private set; }

    public long Failed { get; private set; }

    public enum Outcome
    {
        None,
        Started,
        Succeeded,
        Limited,
        Failed,
    }

    public Outcome Update(double nowMs, double estimate, double wanted, BandwidthUsage usage, double lossFraction)
    {
        var trouble = usage == BandwidthUsage.Overusing || lossFraction > 0.05;
        if (Target is not null)
        {
            if (trouble || nowMs >= _probeEndMs)
                return End(Outcome.Failed, nowMs, MinBackoffMs);
            return Outcome.None;
        }
        // Loss between 2 and 10 % only holds the loss controller; it must not also stop the probes that
        // are the estimate's only way back up (a path with steady 5 % random loss still has headroom).
        if (usage == BandwidthUsage.Overusing || lossFraction > 0.10 || double.IsNaN(_cleanSinceMs))
        {
            _cleanSinceMs = nowMs;
            return Outcome.None;
        }
        var target = Math.Min(Math.Min(wanted, estimate * 3), MaxBitrate);
        if (target <= estimate * 1.05 || nowMs - _cleanSinceMs < _backoffMs)
            return Outcome.None;
        Target = target;
        ClusterId = _nextClusterId++;
        _probeEndMs = nowMs + ResultTimeoutMs;
        Started++;
        return Outcome.Started;
    }

    // The measured rate of the running probe's cluster.
    public Outcome OnResult(double nowMs, double bitrate)
    {
        if (Target is not { } target)
            return Outcome.None;
        return bitrate >= SuccessRatio * target ? End(Outcome.Succeeded, nowMs, AfterSuccessMs) : End(Outcome.Limited, nowMs, MinBackoffMs);
    }

    private Outcome End(Outcome outcome, double nowMs, double nextBackoffMs)
    {
        Target = null;
        _cleanSinceMs = nowMs;
        if (outcome == Outcome.Succeeded)
        {
            Succeeded++;
            _backoffMs = nextBackoffMs;
        }
        else
        {
            Failed++;
            _backoffMs = Math.Max(nextBackoffMs, Math.Min(_backoffMs * 2, MaxBackoffMs));
        }
        return outcome;
    }
}

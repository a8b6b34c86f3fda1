namespace Meet.Modules.Media.Bandwidth;

// Finding headroom after a dip (issue 11: "estimates that never recover" is a known SFU bug). AIMD alone
// grows 8 % per second and never past 1.5 × what got through, so a subscriber knocked down to 180p would
// take ~20 s to earn 720p back. While the sender wants more than the estimate and the path has been
// clean (no overuse, loss under 2 %) for the backoff interval, a probe runs: for ProbeDuration the sender
// may send up to ProbeTarget (three times the estimate — one simulcast step, 150 → 500 → 1,500 kbps —
// at most what it wants); in the SFU the probe is the next
// simulcast layer itself, switched to tentatively. If the acknowledged rate reached 85 % of the target
// with no overuse and loss under 5 %, the estimate jumps to what was delivered (as libwebrtc does with
// probe results); otherwise the probe ends at the first sign of trouble and the backoff doubles (2 s up
// to 5 s), so a capped link is not probed into loss over and over; at most 5 s, so a lifted cap is found within
// ~9 s (two probe steps).
internal sealed class ProbeController
{
    public const double ProbeDurationMs = 800;
    private const double MinBackoffMs = 2000;
    private const double MaxBackoffMs = 5000;

    private double _backoffMs = MinBackoffMs;
    private double _cleanSinceMs = double.NaN;
    private double _probeEndMs;

    public double? Target { get; private set; }

    public long Succeeded { get; private set; }

    public long Failed { get; private set; }

    public enum Outcome
    {
        None,
        Started,
        Succeeded,
        Failed,
    }

    public Outcome Update(double nowMs, double estimate, double wanted, double acknowledged, BandwidthUsage usage, double lossFraction)
    {
        var trouble = usage == BandwidthUsage.Overusing || lossFraction > 0.05;
        if (Target is { } target)
        {
            if (trouble)
            {
                Target = null;
                Failed++;
                _backoffMs = Math.Min(_backoffMs * 2, MaxBackoffMs);
                _cleanSinceMs = nowMs;
                return Outcome.Failed;
            }
            if (acknowledged >= 0.85 * target)
            {
                Target = null;
                Succeeded++;
                _backoffMs = MinBackoffMs;
                _cleanSinceMs = nowMs;
                return Outcome.Succeeded;
            }
            if (nowMs >= _probeEndMs)
            {
                // The link delivered no more than before: nothing learned, try again later.
                Target = null;
                Failed++;
                _backoffMs = Math.Min(_backoffMs * 2, MaxBackoffMs);
                _cleanSinceMs = nowMs;
                return Outcome.Failed;
            }
            return Outcome.None;
        }
        if (trouble || lossFraction > 0.02 || double.IsNaN(_cleanSinceMs))
        {
            _cleanSinceMs = nowMs;
            return Outcome.None;
        }
        if (wanted <= estimate * 1.05 || nowMs - _cleanSinceMs < _backoffMs)
            return Outcome.None;
        Target = Math.Min(wanted, estimate * 3);
        _probeEndMs = nowMs + ProbeDurationMs;
        return Outcome.Started;
    }
}

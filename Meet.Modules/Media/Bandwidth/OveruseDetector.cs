namespace Meet.Modules.Media.Bandwidth;

// Compares the trendline's (gain-scaled) slope with an adaptive threshold (draft-ietf-rmcat-gcc-02
// §5.4, constants from libwebrtc): overuse only when the trend stays above the threshold for more than
// 10 ms and is still rising; the threshold follows the trend slowly upwards (k_up) and faster downwards
// (k_down) so that GCC is not starved by loss-based TCP flows, and it ignores spikes (> threshold + 15).
internal sealed class OveruseDetector
{
    private const int MinDeltas = 60;
    private const double ThresholdGain = 4.0;
    private const double OverusingTimeThresholdMs = 10;
    private const double KUp = 0.0087;
    private const double KDown = 0.039;
    private const double MaxAdaptOffsetMs = 15;
    private const double MinThreshold = 6;
    private const double MaxThreshold = 600;

    private double _timeOverusingMs = -1;
    private int _overuseCounter;
    private double _previousTrend;
    private double _lastUpdateMs = double.NaN;

    public double Threshold { get; private set; } = 12.5;

    public BandwidthUsage State { get; private set; } = BandwidthUsage.Normal;

    public BandwidthUsage Detect(double trend, int deltaCount, double sendDeltaMs, double nowMs)
    {
        if (deltaCount < 2)
        {
            State = BandwidthUsage.Normal;
            return State;
        }
        var modified = Math.Min(deltaCount, MinDeltas) * trend * ThresholdGain;
        if (modified > Threshold)
        {
            _timeOverusingMs = _timeOverusingMs < 0 ? sendDeltaMs / 2 : _timeOverusingMs + sendDeltaMs;
            _overuseCounter++;
            if (_timeOverusingMs > OverusingTimeThresholdMs && _overuseCounter > 1 && trend >= _previousTrend)
            {
                _timeOverusingMs = 0;
                _overuseCounter = 0;
                State = BandwidthUsage.Overusing;
            }
        }
        else if (modified < -Threshold)
        {
            _timeOverusingMs = -1;
            _overuseCounter = 0;
            State = BandwidthUsage.Underusing;
        }
        else
        {
            _timeOverusingMs = -1;
            _overuseCounter = 0;
            State = BandwidthUsage.Normal;
        }
        _previousTrend = trend;
        UpdateThreshold(modified, nowMs);
        return State;
    }

    private void UpdateThreshold(double modified, double nowMs)
    {
        if (double.IsNaN(_lastUpdateMs))
            _lastUpdateMs = nowMs;
        var magnitude = Math.Abs(modified);
        if (magnitude > Threshold + MaxAdaptOffsetMs)
        {
            _lastUpdateMs = nowMs;
            return;
        }
        var k = magnitude < Threshold ? KDown : KUp;
        var elapsed = Math.Min(nowMs - _lastUpdateMs, 100);
        Threshold = Math.Clamp(Threshold + k * (magnitude - Threshold) * elapsed, MinThreshold, MaxThreshold);
        _lastUpdateMs = nowMs;
    }
}

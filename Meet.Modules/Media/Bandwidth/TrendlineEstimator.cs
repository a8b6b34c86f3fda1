namespace Meet.Modules.Media.Bandwidth;

// The delay-gradient filter of Google Congestion Control as libwebrtc runs it (trendline_estimator.cc;
// draft-ietf-rmcat-gcc-02 §5.3 describes the earlier Kalman variant): the one-way delay variation
// between packet groups is accumulated, smoothed, and the slope of a least-squares line through the
// last 20 points says whether queues are building (positive), draining (negative) or flat.
// Fixed-size ring; no allocation per update.
internal sealed class TrendlineEstimator
{
    public const int WindowSize = 20;
    private const double SmoothingCoefficient = 0.9;

    private readonly double[] _arrivalMs = new double[WindowSize];
    private readonly double[] _smoothedDelayMs = new double[WindowSize];
    private int _count;
    private int _next;
    private double _firstArrivalMs = double.NaN;
    private double _accumulatedDelayMs;
    private double _smoothedDelay;

    public int DeltaCount { get; private set; }

    public double Trend { get; private set; }

    // One inter-group delta: how much longer (ms) the group took to arrive than to be sent.
    public double Update(double receiveDeltaMs, double sendDeltaMs, double arrivalMs)
    {
        var delta = receiveDeltaMs - sendDeltaMs;
        DeltaCount = Math.Min(DeltaCount + 1, 1000);
        if (double.IsNaN(_firstArrivalMs))
            _firstArrivalMs = arrivalMs;
        _accumulatedDelayMs += delta;
        _smoothedDelay = SmoothingCoefficient * _smoothedDelay + (1 - SmoothingCoefficient) * _accumulatedDelayMs;
        _arrivalMs[_next] = arrivalMs - _firstArrivalMs;
        _smoothedDelayMs[_next] = _smoothedDelay;
        _next = (_next + 1) % WindowSize;
        _count = Math.Min(_count + 1, WindowSize);
        if (_count == WindowSize)
            Trend = LinearFitSlope();
        return Trend;
    }

    private double LinearFitSlope()
    {
        double sumX = 0, sumY = 0;
        for (var i = 0; i < _count; i++)
        {
            sumX += _arrivalMs[i];
            sumY += _smoothedDelayMs[i];
        }
        var meanX = sumX / _count;
        var meanY = sumY / _count;
        double numerator = 0, denominator = 0;
        for (var i = 0; i < _count; i++)
        {
            var dx = _arrivalMs[i] - meanX;
            numerator += dx * (_smoothedDelayMs[i] - meanY);
            denominator += dx * dx;
        }
        return denominator == 0 ? Trend : numerator / denominator;
    }
}

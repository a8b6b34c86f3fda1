namespace Meet.Modules.Media.Bandwidth;

// The SFU's estimate of one subscriber's downlink, from that subscriber's transport-cc feedback on the
// packets we sent it (issue 11; Google Congestion Control, draft-ietf-rmcat-gcc-02, as libwebrtc runs it
// on the send side): packets are grouped into 5 ms send bursts, the inter-group delay variation feeds
// the trendline filter and the overuse detector, whose verdict drives AIMD; the loss fraction drives
// the loss-based controller; the estimate is the smaller of the two (a REMB is only the fallback without
// transport-cc: SubscriberDownlink). Probe clusters
// (ProbeController, ProbeBitrateEstimator) measure headroom and lift both controllers to what they found.
// Pure: times
// come in as arguments, so tests replay synthetic traces. One instance per subscriber transport, fed
// under that transport's feedback lock; allocates nothing per packet.
internal sealed class SendSideBandwidthEstimator
{
    public const double DefaultStartBitrate = 1_000_000;
    public const double DefaultMinBitrate = 50_000;
    public const double DefaultMaxBitrate = 20_000_000;

    private const double BurstMs = 5;
    private const double MaxBurstMs = 100;
    private const double AcknowledgedWindowMs = 250;
    private const int MinPacketsForLoss = 20;

    private readonly TrendlineEstimator _trendline = new();
    private readonly OveruseDetector _detector = new();
    private readonly AimdRateControl _delayBased;
    private readonly LossBasedRateControl _lossBased;
    private readonly ProbeController _probe;
    private readonly ProbeBitrateEstimator _probeResults = new();

    private double _groupFirstSendMs = double.NaN;
    private double _groupLastSendMs;
    private double _groupArrivalMs;
    private bool _hasPreviousGroup;
    private double _previousGroupSendMs;
    private double _previousGroupArrivalMs;

    private double _windowStartMs = double.NaN;
    private double _windowLastArrivalMs;
    private long _windowBytes;

    private int _lossPackets;
    private int _lossLost;

    public SendSideBandwidthEstimator(double startBitrate = DefaultStartBitrate, double minBitrate = DefaultMinBitrate,
        double maxBitrate = DefaultMaxBitrate, double maxProbeBitrate = double.PositiveInfinity)
    {
        _probe = new ProbeController(Math.Min(maxBitrate, maxProbeBitrate));
        _delayBased = new AimdRateControl(startBitrate, minBitrate, maxBitrate);
        _lossBased = new LossBasedRateControl(startBitrate, minBitrate, maxBitrate);
        Estimate = startBitrate;
    }

    public double Estimate { get; private set; }

    public double AcknowledgedBitrate { get; private set; }

    // The last 250 ms window unsmoothed: what a probe judges by.
    public double LastWindowBitrate { get; private set; }

    public double LossFraction { get; private set; }

    public BandwidthUsage Usage => _detector.State;

    public long FeedbackCount { get; private set; }

    // What the sender would send with no limit (the allocator's wish); probes run only below it.
    public double Wanted { get; set; } = double.PositiveInfinity;

    // While a probe runs: the rate its cluster should send at (ProbeController); ProbeCluster names it.
    public double? ProbeTarget => _probe.Target;

    public int ProbeCluster => _probe.ClusterId;

    public ProbeController Probe => _probe;

    public double LastProbeResult { get; private set; }

    // The sender finished sending probe cluster `id` with `packets` packets tagged with it.
    public void OnClusterSent(int id, int packets) => _probeResults.OnClusterSent(id, packets);

    // One packet of a feedback report, in transport sequence order. arrivalMs is NaN for a packet the
    // feedback reports as not received; cluster is the probe cluster it was sent in (-1: none).
    public void OnPacket(double sendMs, double arrivalMs, int size, int cluster = -1)
    {
        if (cluster >= 0)
            _probeResults.OnPacket(cluster, sendMs, arrivalMs, size);
        _lossPackets++;
        if (double.IsNaN(arrivalMs))
        {
            _lossLost++;
            return;
        }
        AccumulateAcknowledged(arrivalMs, size);
        if (double.IsNaN(_groupFirstSendMs))
        {
            StartGroup(sendMs, arrivalMs);
            return;
        }
        // Sent before the group began (reordered on the way): says nothing about queueing.
        if (sendMs < _groupFirstSendMs)
            return;
        if (sendMs - _groupFirstSendMs <= BurstMs || BelongsToBurst(sendMs, arrivalMs))
        {
            _groupLastSendMs = Math.Max(_groupLastSendMs, sendMs);
            _groupArrivalMs = Math.Max(_groupArrivalMs, arrivalMs);
            return;
        }
        if (_hasPreviousGroup)
        {
            var sendDelta = _groupLastSendMs - _previousGroupSendMs;
            var receiveDelta = _groupArrivalMs - _previousGroupArrivalMs;
            if (sendDelta > 0)
            {
                var trend = _trendline.Update(receiveDelta, sendDelta, _groupArrivalMs);
                _detector.Detect(trend, _trendline.DeltaCount, sendDelta, _groupArrivalMs);
            }
        }
        _previousGroupSendMs = _groupLastSendMs;
        _previousGroupArrivalMs = _groupArrivalMs;
        _hasPreviousGroup = true;
        StartGroup(sendMs, arrivalMs);
    }

    // A packet that arrived within 5 ms of the group's last one although it was sent later (libwebrtc's
    // InterArrivalDelta::BelongsToBurst): the receiver was stalled (its network thread descheduled, Wi-Fi
    // aggregation) and then read a backlog at once. Taken as its own group it would read as the queue
    // draining and then, at the next group, as it building again: false overuse on a busy host. Joined to
    // the group (for at most 100 ms of sending), the stall costs one delay sample instead.
    private bool BelongsToBurst(double sendMs, double arrivalMs)
    {
        var arrivalDelta = arrivalMs - _groupArrivalMs;
        var sendDelta = sendMs - _groupLastSendMs;
        return arrivalDelta - sendDelta < 0 && arrivalDelta <= BurstMs && sendMs - _groupFirstSendMs < MaxBurstMs;
    }

    private void StartGroup(double sendMs, double arrivalMs)
    {
        _groupFirstSendMs = sendMs;
        _groupLastSendMs = sendMs;
        _groupArrivalMs = arrivalMs;
    }

    private void AccumulateAcknowledged(double arrivalMs, int size)
    {
        if (double.IsNaN(_windowStartMs) || arrivalMs < _windowStartMs)
        {
            _windowStartMs = arrivalMs;
            _windowBytes = 0;
        }
        _windowBytes += size;
        _windowLastArrivalMs = Math.Max(_windowLastArrivalMs, arrivalMs);
        var span = _windowLastArrivalMs - _windowStartMs;
        if (span < AcknowledgedWindowMs)
            return;
        var rate = _windowBytes * 8 * 1000 / span;
        AcknowledgedBitrate = AcknowledgedBitrate == 0 ? rate : 0.6 * AcknowledgedBitrate + 0.4 * rate;
        LastWindowBitrate = rate;
        _windowStartMs = arrivalMs;
        _windowBytes = 0;
    }

    // After the packets of one feedback report: run the controllers.
    public double OnFeedbackComplete(double nowMs, double rttMs)
    {
        FeedbackCount++;
        var delayBased = _delayBased.Update(_detector.State, AcknowledgedBitrate, nowMs, rttMs);
        if (_lossPackets >= MinPacketsForLoss)
        {
            LossFraction = (double)_lossLost / _lossPackets;
            _lossPackets = 0;
            _lossLost = 0;
        }
        _lossBased.Update(LossFraction, nowMs, rttMs);
        _lossBased.CapAt(delayBased);
        var estimate = Math.Min(delayBased, _lossBased.Bitrate);
        if (_probe.Target is not null && _probeResults.TryGetResult(_probe.ClusterId, out var probed))
        {
            LastProbeResult = probed;
            // Overuse seen while the cluster ran ends the probe as failed in Update, before any result counts.
            if (_detector.State != BandwidthUsage.Overusing)
            {
                _probe.OnResult(nowMs, probed);
                if (probed > estimate)
                {
                    _delayBased.Reset(probed);
                    _lossBased.Reset(probed);
                }
            }
        }
        _probe.Update(nowMs, estimate, Wanted, _detector.State, LossFraction);
        Estimate = Math.Min(delayBased, _lossBased.Bitrate);
        return Estimate;
    }
}

using System.Diagnostics;
using Meet.Modules.Media.Protocols.Rtcp;
using Meet.Modules.Media.Transport;

namespace Meet.Modules.Media.Bandwidth;

// What the SFU knows about the path to one subscriber PeerConnection (issue 11): the round-trip time
// from the subscriber's receiver reports (RFC 3550 §6.4.1: A − LSR − DLSR, against our sender reports),
// its reported loss, and the seed's loss-recovery rule (Failure Scenario 1): NACKs are answered only
// while the RTT is at most Media:NackRttLimit, above it a retransmission would arrive too late to be
// played, so a keyframe is asked for instead.
//
// It also runs the send-side estimate of that path: every packet we send is stamped with our own
// transport-wide sequence number and remembered (SendHistory), the subscriber's transport-cc feedback is
// matched against it and fed to the estimator; a REMB from the subscriber is the estimate only without it.
internal sealed class SubscriberDownlink
{
    private const double Smoothing = 0.25;
    private static readonly double MicrosecondsPerTick = 1_000_000.0 / Stopwatch.Frequency;

    private readonly Lock _lock = new();
    private readonly SendHistory _history = new();
    private readonly SendSideBandwidthEstimator _estimator;
    private readonly AdaptiveMediaCounters? _counters;
    private long _estimateBits = (long)SendSideBandwidthEstimator.DefaultStartBitrate;
    private long _feedbackReceived;

    // How long after its send a packet reported lost must stay unreported as received to count as lost.
    private const long LostVerdictDelayUs = 500_000;

    private long _rttMicroseconds = -1;
    private int _fractionLost;

    // The probe cluster being sent (issue 11): every packet sent while it runs is tagged with its id, and
    // padding fills the gap between the media and the probe's target rate for ProbeClusterMs.
    public const double ProbeClusterMs = 40;
    private const double ProbeClusterGiveUpMs = 250;
    private int _clusterId = -1;
    private long _clusterStart;
    private double _clusterTarget;
    private long _clusterBytes;
    private int _clusterPackets;
    private bool _probing;
    // A cluster chosen on feedback waits for the pacer's first step (a thread-pool timer) to start its clock
    // and its tagging: on a loaded machine that step comes late, and the media sent meanwhile made the
    // cluster long and "enough", so it ended at once without padding and measured only the media
    // (CappedSubscriberTests: probes after the lift "limited" at the 360p rate, the track stuck below 720p).
    private bool _clusterPending;

    public SubscriberDownlink(TimeSpan nackRttLimit, AdaptiveMediaCounters? counters = null,
        double maxProbeBitrate = double.PositiveInfinity)
    {
        NackRttLimit = nackRttLimit;
        _counters = counters;
        _estimator = new SendSideBandwidthEstimator(maxProbeBitrate: maxProbeBitrate);
    }

    // Called (outside any lock) when a probe cluster starts: the pacer then calls SendProbePadding until it ends.
    public Action<SubscriberDownlink>? ProbeStarted { get; set; }

    // Where padding goes: one of this subscriber's video consumers with RTX, set by its allocator each tick.
    public IProbePaddingSender? PaddingSender { get; set; }

    public bool IsProbing
    {
        get
        {
            lock (_lock)
                return _probing || _clusterPending;
        }
    }

    public ProbeController Probe => _estimator.Probe;

    public double LastProbeResult
    {
        get
        {
            lock (_lock)
                return _estimator.LastProbeResult;
        }
    }

    // Bits per second the path to this subscriber is estimated to carry (the start value until the first
    // feedback: a subscriber whose browser sends none is never held back by a guess).
    public double Estimate => Interlocked.Read(ref _estimateBits);

    // Transport-wide sequence numbers handed out so far (the next one is this, truncated to 16 bits).
    public long SequencesSent
    {
        get
        {
            lock (_lock)
                return _history.Sent;
        }
    }

    // Packets a report called lost that a later report said arrived (reordering, or late re-reports).
    public long LateArrivals { get; private set; }

    public bool HasFeedback => Interlocked.Read(ref _feedbackReceived) > 0;

    // While a probe runs, the rate its cluster sends at; null otherwise.
    public double? ProbeTarget
    {
        get
        {
            lock (_lock)
                return _estimator.ProbeTarget;
        }
    }

    public double LossFractionFromFeedback
    {
        get
        {
            lock (_lock)
                return _estimator.LossFraction;
        }
    }

    // What the allocator would send with no limit; probes run only while this is above the estimate.
    public void SetWanted(double bitrate)
    {
        lock (_lock)
            _estimator.Wanted = bitrate;
    }

    public double Wanted
    {
        get
        {
            lock (_lock)
                return _estimator.Wanted;
        }
    }

    // Packet path, inside the subscriber transport's send (the packet is already in its send slot):
    // stamps our transport-wide sequence number and remembers the send. 0 B.
    public void OnSend(Span<byte> packet, int sourceExtensionId, long now)
    {
        if (sourceExtensionId == 0)
            return;
        lock (_lock)
        {
            var sequence = (ushort)_history.Sent;
            if (!TransportSequenceStamper.TryStamp(packet, sourceExtensionId, sequence))
                return;
            _history.Add((long)(now * MicrosecondsPerTick), packet.Length, _probing ? _clusterId : -1);
            if (_probing)
            {
                _clusterBytes += packet.Length;
                _clusterPackets++;
            }
        }
    }

    // The pacer, every few milliseconds while a cluster runs: sends the padding due so that everything
    // sent since the cluster began runs at its target rate. False once the cluster has ended.
    public bool SendProbePadding(MediaSender sender, long now)
    {
        long due;
        lock (_lock)
        {
            if (_clusterPending)
            {
                _clusterPending = false;
                _probing = true;
                _clusterStart = now;
            }
            if (!_probing)
                return false;
            var elapsedMs = (now - _clusterStart) * 1000.0 / Stopwatch.Frequency;
            var enough = _clusterPackets >= ProbeBitrateEstimator.MinPackets;
            if ((elapsedMs >= ProbeClusterMs && enough) || elapsedMs >= ProbeClusterGiveUpMs)
            {
                EndCluster();
                return false;
            }
            due = (long)(_clusterTarget * Math.Min(elapsedMs, ProbeClusterMs) / 8000) - _clusterBytes;
            if (elapsedMs >= ProbeClusterMs)
                due = Math.Max(due, ProbePadding.MaxPacketSize);
        }
        if (due <= 0)
            return true;
        // Outside the lock: sending stamps each packet through OnSend.
        var sent = PaddingSender?.SendPadding((int)Math.Min(due, MaxPaddingPerCall), sender) ?? 0;
        if (sent == 0)
        {
            // Nothing to pad on (no video with RTX): the probe ends without a result and backs off.
            lock (_lock)
                EndCluster();
            _counters?.ProbeWithoutPadding();
            return false;
        }
        _counters?.ProbePadding(sent);
        return true;
    }

    // Bounds one pacer step (~64 padding packets), so a late timer tick never bursts a whole cluster.
    private const int MaxPaddingPerCall = 64 * ProbePadding.MaxPacketSize;

    private void EndCluster()
    {
        _estimator.OnClusterSent(_clusterId, _clusterPackets);
        _probing = false;
    }

    // The subscriber's transport-cc feedback on what we sent: matched against the history, then the
    // estimator runs once. Entries for sequence numbers we never sent are counted and skipped.
    public void OnTransportFeedback(ReadOnlySpan<byte> packet, long now)
    {
        if (!RtcpTransportFeedback.TryParse(packet, out var feedback))
            return;
        var unknown = 0;
        var matched = 0;
        var probeStarted = false;
        lock (_lock)
        {
            var enumerator = feedback.GetEnumerator();
            while (enumerator.MoveNext())
            {
                var sequence = _history.Unwrap(enumerator.CurrentSequenceNumber);
                if (!_history.TryGet(sequence, out var sentUs, out var size, out var cluster, out var state))
                {
                    unknown++;
                    continue;
                }
                matched++;
                if (enumerator.CurrentStatus == RtcpPacketStatus.NotReceived)
                {
                    // A first verdict only: the loss counts once it is older than LostVerdictDelay.
                    if (state == SendHistory.FeedbackState.Unreported)
                        _history.SetState(sequence, SendHistory.FeedbackState.ReportedLost);
                    continue;
                }
                if (state == SendHistory.FeedbackState.Received)
                    continue;
                _history.SetState(sequence, SendHistory.FeedbackState.Received);
                if (state == SendHistory.FeedbackState.ReportedLost)
                {
                    // Arrived after all: not lost, and too late to say anything about queueing delay.
                    LateArrivals++;
                    continue;
                }
                _estimator.OnPacket(sentUs / 1000.0, enumerator.CurrentArrivalMicroseconds / 1000.0, size, cluster);
            }
            var nowUs = (long)(now * MicrosecondsPerTick);
            while (_history.TryTakeLostVerdict(nowUs - LostVerdictDelayUs, out var lostSentUs, out var lostSize, out var lostCluster))
                _estimator.OnPacket(lostSentUs / 1000.0, double.NaN, lostSize, lostCluster);
            // Feedback naming nothing we sent (forged, or long after the fact) must not move the estimate.
            if (matched == 0)
            {
                _counters?.SubscriberFeedback();
                _counters?.SubscriberFeedbackForUnknown(unknown);
                return;
            }
            var rttMs = RoundTripTime?.TotalMilliseconds ?? 50;
            var estimate = _estimator.OnFeedbackComplete(now * MicrosecondsPerTick / 1000.0, rttMs);
            Interlocked.Exchange(ref _estimateBits, (long)estimate);
            if (_estimator.ProbeTarget is { } target && _estimator.ProbeCluster != _clusterId)
            {
                _clusterId = _estimator.ProbeCluster;
                _clusterTarget = target;
                _clusterBytes = 0;
                _clusterPackets = 0;
                _probing = false;
                _clusterPending = true;
                probeStarted = true;
            }
        }
        if (probeStarted)
        {
            _counters?.ProbeCluster();
            ProbeStarted?.Invoke(this);
        }
        Interlocked.Increment(ref _feedbackReceived);
        _counters?.SubscriberFeedback();
        if (unknown > 0)
            _counters?.SubscriberFeedbackForUnknown(unknown);
    }

    // A REMB from the subscriber (draft-alvestrand-rmcat-remb): the estimate only while no transport-cc
    // feedback has come (the fallback). Once it has, a REMB describes at most the few packets the
    // browser could not feed to its transport-cc feedback: Chrome sends one about a stream without the
    // transport-wide element (a few kbps of it), and taken as a cap it pinned the estimate at 12 kbps.
    public void OnRemb(ulong bitrate)
    {
        if (HasFeedback)
        {
            _counters?.RembIgnoredForTransportCc();
            return;
        }
        Interlocked.Exchange(ref _estimateBits, (long)Math.Clamp(bitrate, (ulong)SendSideBandwidthEstimator.DefaultMinBitrate,
            (ulong)SendSideBandwidthEstimator.DefaultMaxBitrate));
    }

    // Answering NACKs may use this share of the estimate. Without a bound, loss at a bottleneck drew
    // retransmissions that kept the queue full and the loss going (the packet budget of a consumer,
    // 250 a second, is 2.4 Mbps: flood protection, not congestion control).
    private const double RetransmissionShare = 0.3;
    private const double RetransmissionBurstSeconds = 0.25;
    private readonly TokenBucket _retransmissionBytes = new(Stopwatch.Frequency);

    // Whether a retransmission of `bytes` fits what the estimate leaves for repair now; takes it if so.
    // Before any transport-cc feedback there is no estimate to bound it by, and it always fits.
    public bool TryTakeRetransmission(int bytes, long now)
    {
        if (!HasFeedback)
            return true;
        lock (_lock)
        {
            var rate = Estimate * RetransmissionShare / 8;
            return _retransmissionBytes.TryTake(bytes, rate, rate * RetransmissionBurstSeconds, now);
        }
    }

    public TimeSpan NackRttLimit { get; }

    // Smoothed RTT; null until the subscriber reported on one of our sender reports.
    public TimeSpan? RoundTripTime
    {
        get
        {
            var us = Interlocked.Read(ref _rttMicroseconds);
            return us < 0 ? null : TimeSpan.FromMicroseconds(us);
        }
    }

    // Loss fraction (0..1) of the last report block, the worst over the subscriber's streams.
    public double FractionLost => Volatile.Read(ref _fractionLost) / 256.0;

    public long ReportsWithRtt { get; private set; }

    // An unknown RTT answers NACKs: that is the behaviour before the first report, and on loopback.
    public bool AnswersNacks => RoundTripTime is not { } rtt || rtt <= NackRttLimit;

    // One report block from the subscriber (in an RR, or an SR if it also sends) about one of our streams.
    public void OnReportBlock(in RtcpReportBlock block, uint compactNtpNow)
    {
        Volatile.Write(ref _fractionLost, block.FractionLost);
        if (block.LastSenderReport == 0)
            return;
        var rttUnits = compactNtpNow - block.LastSenderReport - block.DelaySinceLastSenderReport;
        // A negative RTT (clock arithmetic across a wrap, or a forged block) is ignored.
        if (rttUnits > 0x8000_0000u)
            return;
        var sample = (long)rttUnits * 1_000_000 / 65536;
        var previous = Interlocked.Read(ref _rttMicroseconds);
        var smoothed = previous < 0 ? sample : (long)(previous + Smoothing * (sample - previous));
        Interlocked.Exchange(ref _rttMicroseconds, smoothed);
        ReportsWithRtt++;
    }

    public void OnReceiverReport(ReadOnlySpan<byte> packet, uint compactNtpNow)
    {
        if (!RtcpReceiverReport.TryParse(packet, out var report))
            return;
        for (var i = 0; i < report.ReportCount; i++)
            OnReportBlock(report.GetReportBlock(i), compactNtpNow);
    }
}

using System.Diagnostics;
using Meet.Modules.Media.Protocols.Rtcp;

namespace Meet.Modules.Media.Bandwidth;

// What the SFU knows about the path to one subscriber PeerConnection (issue 11): the round-trip time
// from the subscriber's receiver reports (RFC 3550 §6.4.1: A − LSR − DLSR, against our sender reports),
// its reported loss, and the seed's loss-recovery rule (Failure Scenario 1): NACKs are answered only
// while the RTT is at most Media:NackRttLimit, above it a retransmission would arrive too late to be
// played, so a keyframe is asked for instead.
//
// It also runs the send-side estimate of that path: every packet we send is stamped with our own
// transport-wide sequence number and remembered (SendHistory), the subscriber's transport-cc feedback is
// matched against it and fed to the estimator; a REMB from the subscriber caps the estimate.
internal sealed class SubscriberDownlink
{
    private const double Smoothing = 0.25;
    private static readonly double MicrosecondsPerTick = 1_000_000.0 / Stopwatch.Frequency;

    private readonly Lock _lock = new();
    private readonly SendHistory _history = new();
    private readonly SendSideBandwidthEstimator _estimator = new();
    private readonly AdaptiveMediaCounters? _counters;
    private long _estimateBits = (long)SendSideBandwidthEstimator.DefaultStartBitrate;
    private long _feedbackReceived;

    private long _rttMicroseconds = -1;
    private int _fractionLost;

    public SubscriberDownlink(TimeSpan nackRttLimit, AdaptiveMediaCounters? counters = null)
    {
        NackRttLimit = nackRttLimit;
        _counters = counters;
    }

    // Bits per second the path to this subscriber is estimated to carry (the start value until the first
    // feedback: a subscriber whose browser sends none is never held back by a guess).
    public double Estimate => Interlocked.Read(ref _estimateBits);

    public bool HasFeedback => Interlocked.Read(ref _feedbackReceived) > 0;

    // While a probe runs, the rate the allocator may try (the next layer up); null otherwise.
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

    // Packet path, inside the subscriber transport's send (the packet is already in its send slot):
    // stamps our transport-wide sequence number and remembers the send. 0 B.
    public void OnSend(Span<byte> packet, int sourceExtensionId, long now)
    {
        if (sourceExtensionId == 0)
            return;
        lock (_lock)
        {
            var sequence = (ushort)_history.Sent;
            if (TransportSequenceStamper.TryStamp(packet, sourceExtensionId, sequence))
                _history.Add((long)(now * MicrosecondsPerTick), packet.Length);
        }
    }

    // The subscriber's transport-cc feedback on what we sent: matched against the history, then the
    // estimator runs once. Entries for sequence numbers we never sent are counted and skipped.
    public void OnTransportFeedback(ReadOnlySpan<byte> packet, long now)
    {
        if (!RtcpTransportFeedback.TryParse(packet, out var feedback))
            return;
        var unknown = 0;
        var matched = 0;
        lock (_lock)
        {
            var enumerator = feedback.GetEnumerator();
            while (enumerator.MoveNext())
            {
                var sequence = _history.Unwrap(enumerator.CurrentSequenceNumber);
                if (!_history.TryGet(sequence, out var sentUs, out var size))
                {
                    unknown++;
                    continue;
                }
                var arrivalMs = enumerator.CurrentStatus == RtcpPacketStatus.NotReceived
                    ? double.NaN
                    : enumerator.CurrentArrivalMicroseconds / 1000.0;
                _estimator.OnPacket(sentUs / 1000.0, arrivalMs, size);
                matched++;
            }
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
        }
        Interlocked.Increment(ref _feedbackReceived);
        _counters?.SubscriberFeedback();
        if (unknown > 0)
            _counters?.SubscriberFeedbackForUnknown(unknown);
    }

    // A REMB from the subscriber (RFC draft-alvestrand-rmcat-remb): its receive-side estimate caps ours;
    // without transport-cc it is the estimate.
    public void OnRemb(ulong bitrate)
    {
        lock (_lock)
        {
            _estimator.RembCap = bitrate;
            if (!HasFeedback)
                Interlocked.Exchange(ref _estimateBits, (long)Math.Min(bitrate, (ulong)SendSideBandwidthEstimator.DefaultMaxBitrate));
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

using Meet.Modules.Media.Protocols.Rtcp;

namespace Meet.Modules.Media.Bandwidth;

// What the SFU knows about the path to one subscriber PeerConnection (issue 11): the round-trip time
// from the subscriber's receiver reports (RFC 3550 §6.4.1: A − LSR − DLSR, against our sender reports),
// its reported loss, and the seed's loss-recovery rule (Failure Scenario 1): NACKs are answered only
// while the RTT is at most Media:NackRttLimit, above it a retransmission would arrive too late to be
// played, so a keyframe is asked for instead.
internal sealed class SubscriberDownlink
{
    private const double Smoothing = 0.25;

    private long _rttMicroseconds = -1;
    private int _fractionLost;

    public SubscriberDownlink(TimeSpan nackRttLimit) => NackRttLimit = nackRttLimit;

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

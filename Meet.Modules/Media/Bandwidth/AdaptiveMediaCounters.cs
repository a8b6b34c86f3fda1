namespace Meet.Modules.Media.Bandwidth;

// Counters of adaptive media (issue 11): feedback the SFU sends publishers, upstream loss repair, the
// seed's NACK-or-keyframe rule per subscriber, layer switches. Read by /metrics and the tests.
internal sealed class AdaptiveMediaCounters
{
    private long _transportFeedbackSent;
    private long _rembSent;
    private long _upstreamNacksSent;
    private long _rtxRecovered;
    private long _rtxProbesDropped;
    private long _nacksRefusedForRtt;
    private long _keyFramesInsteadOfNack;
    private long _layerSwitches;
    private long _subscriberFeedbackReceived;
    private long _subscriberFeedbackUnknown;
    private long _probeClusters;
    private long _retransmissionsOverBudget;
    private long _retransmissionsOverEstimate;
    private long _rembIgnored;
    private long _probePaddingBytes;
    private long _probesWithoutPadding;
    private long _tileSizesApplied;
    private long _tileSizesUnknown;
    private long _dynacastPauses;
    private long _dynacastResumes;

    public long TransportFeedbackSent => Interlocked.Read(ref _transportFeedbackSent);

    public long RembSent => Interlocked.Read(ref _rembSent);

    public long UpstreamNacksSent => Interlocked.Read(ref _upstreamNacksSent);

    // Publisher RTX packets unwrapped back into the original stream (RFC 4588 §4).
    public long RtxRecovered => Interlocked.Read(ref _rtxRecovered);

    // RTX without an original sequence number: Chrome's padding probes, nothing to forward.
    public long RtxProbesDropped => Interlocked.Read(ref _rtxProbesDropped);

    // Subscriber NACKs not answered because that subscriber's RTT exceeds Media:NackRttLimit.
    public long NacksRefusedForRtt => Interlocked.Read(ref _nacksRefusedForRtt);

    public long KeyFramesInsteadOfNack => Interlocked.Read(ref _keyFramesInsteadOfNack);

    // Subscriber NACKs not answered because resending would take more than the subscriber's downlink
    // estimate leaves for repair (SubscriberDownlink.TryTakeRetransmission).
    public long RetransmissionsOverEstimate => Interlocked.Read(ref _retransmissionsOverEstimate);

    // Subscriber REMBs not used because its transport-cc feedback drives the estimate.
    public long RembIgnored => Interlocked.Read(ref _rembIgnored);

    public void RetransmissionOverEstimate() => Interlocked.Increment(ref _retransmissionsOverEstimate);

    public void RembIgnoredForTransportCc() => Interlocked.Increment(ref _rembIgnored);

    public long LayerSwitches => Interlocked.Read(ref _layerSwitches);

    public long SubscriberFeedbackReceived => Interlocked.Read(ref _subscriberFeedbackReceived);

    // Transport-cc feedback entries for sequence numbers we never sent (or long forgotten).
    public long SubscriberFeedbackUnknown => Interlocked.Read(ref _subscriberFeedbackUnknown);

    // Probe clusters started towards subscribers, and the padding bytes (RTP, before SRTP) they sent.
    public long ProbeClusters => Interlocked.Read(ref _probeClusters);

    public long ProbePaddingBytes => Interlocked.Read(ref _probePaddingBytes);

    // Probes that found nothing to pad on (no video stream with RTX to that subscriber).
    public long ProbesWithoutPadding => Interlocked.Read(ref _probesWithoutPadding);

    // NACKed packets not resent because the consumer's retransmission budget was spent (a NACK flood).
    public long RetransmissionsOverBudget => Interlocked.Read(ref _retransmissionsOverBudget);

    public void RetransmissionOverBudget() => Interlocked.Increment(ref _retransmissionsOverBudget);

    public void ProbeCluster() => Interlocked.Increment(ref _probeClusters);

    public void ProbePadding(int bytes) => Interlocked.Add(ref _probePaddingBytes, bytes);

    public void ProbeWithoutPadding() => Interlocked.Increment(ref _probesWithoutPadding);

    public void TransportFeedback() => Interlocked.Increment(ref _transportFeedbackSent);

    public void Remb() => Interlocked.Increment(ref _rembSent);

    public void UpstreamNack() => Interlocked.Increment(ref _upstreamNacksSent);

    public void RtxRecoveredPacket() => Interlocked.Increment(ref _rtxRecovered);

    public void RtxProbeDropped() => Interlocked.Increment(ref _rtxProbesDropped);

    public void NackRefusedForRtt() => Interlocked.Increment(ref _nacksRefusedForRtt);

    public void KeyFrameInsteadOfNack() => Interlocked.Increment(ref _keyFramesInsteadOfNack);

    public void LayerSwitch() => Interlocked.Increment(ref _layerSwitches);

    public void SubscriberFeedback() => Interlocked.Increment(ref _subscriberFeedbackReceived);

    public void SubscriberFeedbackForUnknown(int count) => Interlocked.Add(ref _subscriberFeedbackUnknown, count);

    // Tile-size entries applied to a slot, and entries naming a mid that is not one of the subscriber's
    // video slots (a tile racing a renegotiation, or a bad client): counted and skipped.
    public long TileSizesApplied => Interlocked.Read(ref _tileSizesApplied);

    public long TileSizesUnknown => Interlocked.Read(ref _tileSizesUnknown);

    // Dynacast: simulcast layers paused at their publisher because no subscriber wanted them, and resumed.
    public long DynacastPauses => Interlocked.Read(ref _dynacastPauses);

    public long DynacastResumes => Interlocked.Read(ref _dynacastResumes);

    public void TileSizes(int applied, int unknown)
    {
        Interlocked.Add(ref _tileSizesApplied, applied);
        Interlocked.Add(ref _tileSizesUnknown, unknown);
    }

    public void DynacastPause() => Interlocked.Increment(ref _dynacastPauses);

    public void DynacastResume() => Interlocked.Increment(ref _dynacastResumes);
}

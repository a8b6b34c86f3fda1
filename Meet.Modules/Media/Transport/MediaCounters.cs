using Meet.PacketEngine;

namespace Meet.Modules.Media.Transport;

internal sealed class MediaCounters
{
    private readonly long[] _drops = new long[Enum.GetValues<MediaDropReason>().Length];
    private long _rtpReceived;
    private long _rtpForwarded;
    private long _rtcpReceived;
    private long _keyFrameRequestsSent;
    private long _keyFrameRequestsReceived;
    private long _nacksReceived;
    private long _rtpRetransmitted;
    private long _dtlsReceived;
    private long _iceRestarts;
    private long _pathSwitches;
    private long _temporalLayerDrops;
    private long _temporalLayerSwitches;
    private long _redPrimaryForwarded;

    public Bandwidth.AdaptiveMediaCounters Adaptive { get; } = new();

    // Issue 14: the server's own added latency, from a publisher's packet reaching the packet engine (the
    // kernel's receive time on the sockets engine, the poll's clock on DPDK) to the send call carrying its
    // forwarded copy having returned; one sample per copy (RecordSent). On /metrics as
    // meet_media_forwarding_latency_seconds_total{le=...}.
    public TickHistogram ForwardingLatency { get; } = new();

    // A send batch has just been handed to the engine at `sentAt`: every datagram made while handling an
    // incoming packet (MediaSender.Arrival, copied to its slot at Commit) adds its time in the server.
    public void RecordSent(PacketBatch batch, long sentAt)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            var arrival = batch.GetReceiveTimestamp(i);
            if (arrival != 0)
                ForwardingLatency.Record(sentAt - arrival);
        }
    }

    public long RtpReceived => Interlocked.Read(ref _rtpReceived);

    public long RtpForwarded => Interlocked.Read(ref _rtpForwarded);

    public long RtcpReceived => Interlocked.Read(ref _rtcpReceived);

    public long KeyFrameRequestsSent => Interlocked.Read(ref _keyFrameRequestsSent);

    // PLI/FIR from subscribers, before coalescing into KeyFrameRequestsSent.
    public long KeyFrameRequestsReceived => Interlocked.Read(ref _keyFrameRequestsReceived);

    // Sequence numbers subscribers NACKed, and those answered with RTX from the cache.
    public long NacksReceived => Interlocked.Read(ref _nacksReceived);

    public long RtpRetransmitted => Interlocked.Read(ref _rtpRetransmitted);

    // DTLS datagrams from a transport's verified address handed to its DTLS endpoint. Records there that
    // fail authentication are discarded by the DTLS library itself (RFC 6347 §4.1.2.7 says silently), so
    // this is where they are accounted for.
    public long DtlsReceived => Interlocked.Read(ref _dtlsReceived);

    public long Dropped(MediaDropReason reason) => Interlocked.Read(ref _drops[(int)reason]);

    public long TotalDropped
    {
        get
        {
            long sum = 0;
            for (var i = 0; i < _drops.Length; i++)
                sum += Interlocked.Read(ref _drops[i]);
            return sum;
        }
    }

    // Network handover (issue 15): ICE restarts begun, and nominations that moved a connected transport to
    // a new remote address (only after that address answered STUN; media went to the old one until then).
    public long IceRestarts => Interlocked.Read(ref _iceRestarts);

    public long PathSwitches => Interlocked.Read(ref _pathSwitches);

    public void IceRestart() => Interlocked.Increment(ref _iceRestarts);

    // VP8 temporal layers (issue 11): packets a consumer did not forward because their temporal layer is
    // above its target (their sequence numbers closed up), and changes of a consumer's forwarded layer.
    public long TemporalLayerDrops => Interlocked.Read(ref _temporalLayerDrops);

    public long TemporalLayerSwitches => Interlocked.Read(ref _temporalLayerSwitches);

    public void TemporalLayerDrop() => Interlocked.Increment(ref _temporalLayerDrops);

    public void TemporalLayerSwitch() => Interlocked.Increment(ref _temporalLayerSwitches);

    // RFC 2198 RED packets sent as their primary Opus block alone, to subscribers without RED (issue 11).
    public long RedPrimariesForwarded => Interlocked.Read(ref _redPrimaryForwarded);

    public void RedPrimaryForwarded() => Interlocked.Increment(ref _redPrimaryForwarded);

    public void PathSwitched() => Interlocked.Increment(ref _pathSwitches);

    public void Drop(MediaDropReason reason) => Interlocked.Increment(ref _drops[(int)reason]);

    public void RtpIn() => Interlocked.Increment(ref _rtpReceived);

    public void RtpOut() => Interlocked.Increment(ref _rtpForwarded);

    public void RtcpIn() => Interlocked.Increment(ref _rtcpReceived);

    public void DtlsIn() => Interlocked.Increment(ref _dtlsReceived);

    public void KeyFrameRequested() => Interlocked.Increment(ref _keyFrameRequestsSent);

    public void KeyFrameRequestReceived() => Interlocked.Increment(ref _keyFrameRequestsReceived);

    public void NackReceived() => Interlocked.Increment(ref _nacksReceived);

    public void RtpRetransmittedOut() => Interlocked.Increment(ref _rtpRetransmitted);
}

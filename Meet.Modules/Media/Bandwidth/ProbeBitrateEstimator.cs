using System.Runtime.CompilerServices;

namespace Meet.Modules.Media.Bandwidth;

// What a probe cluster found (issue 11; libwebrtc's ProbeBitrateEstimator, read and re-derived): every
// packet sent while a cluster ran carries its id; from the subscriber's transport-cc feedback on them, the
// send rate is the bytes over the send span, the receive rate the bytes over the arrival span (a
// bottleneck spreads the cluster out: packet-train dispersion). The path carries at least
// min(send, receive); when the receive rate is clearly lower the link was saturated and its rate is the
// answer, less 5 % so the estimate does not sit exactly on the edge. A cluster counts once 80 % of its
// packets are reported; spans under 1 ms (a burst no clock can resolve) or over 1 s, and receive rates
// more than twice the send rate (clock trouble), are thrown away. Fixed arrays, no allocation.
//
// One stall of the receiving host (its network thread descheduled for tens of milliseconds, then reading
// the backlog at once) stretches a 40 ms train's arrival span as a bottleneck would, and read as one it
// ended probes on an idle path as "limited". A bottleneck spaces every arrival evenly; a stall makes one
// gap. So the widest gap between consecutive arrivals counts only as much as the average of the others.
internal sealed class ProbeBitrateEstimator
{
    public const int MinPackets = 5;
    private const int Clusters = 4;
    private const double MinReceivedRatio = 0.8;
    private const double MaxValidRatio = 2.0;
    private const double SaturatedRatio = 0.9;
    private const double TargetUtilization = 0.95;
    private const double MinSpanMs = 1;
    private const double MaxSpanMs = 1000;

    private readonly Cluster[] _clusters = new Cluster[Clusters];

    private struct Cluster
    {
        public int Id;
        public int Sent;
        public int Received;
        public double FirstSendMs;
        public double LastSendMs;
        public int LastSendSize;
        public double FirstArrivalMs;
        public int FirstArrivalSize;
        public double LastArrivalMs;
        public double PreviousArrivalMs;
        public double WidestGapMs;
        public long Bytes;
        public bool Reported;
    }

    public ProbeBitrateEstimator()
    {
        for (var i = 0; i < Clusters; i++)
            _clusters[i].Id = -1;
    }

    // The sender started cluster `id` and sent `packets` packets in it (called when the cluster ends).
    public void OnClusterSent(int id, int packets)
    {
        ref var cluster = ref Find(id, create: true);
        cluster.Sent = packets;
    }

    // A reported packet of a cluster; lost packets (arrival NaN) only count as not received.
    public void OnPacket(int id, double sendMs, double arrivalMs, int size)
    {
        if (id < 0 || double.IsNaN(arrivalMs))
            return;
        ref var cluster = ref Find(id, create: true);
        if (cluster.Received == 0)
        {
            cluster.FirstSendMs = cluster.LastSendMs = sendMs;
            cluster.FirstArrivalMs = cluster.LastArrivalMs = arrivalMs;
            cluster.FirstArrivalSize = cluster.LastSendSize = size;
        }
        else
        {
            // Reports come in sequence order, which is the arrival order but for reordering.
            if (arrivalMs > cluster.PreviousArrivalMs)
                cluster.WidestGapMs = Math.Max(cluster.WidestGapMs, arrivalMs - cluster.PreviousArrivalMs);
            if (sendMs < cluster.FirstSendMs)
                cluster.FirstSendMs = sendMs;
            if (sendMs >= cluster.LastSendMs)
            {
                cluster.LastSendMs = sendMs;
                cluster.LastSendSize = size;
            }
            if (arrivalMs < cluster.FirstArrivalMs)
            {
                cluster.FirstArrivalMs = arrivalMs;
                cluster.FirstArrivalSize = size;
            }
            if (arrivalMs > cluster.LastArrivalMs)
                cluster.LastArrivalMs = arrivalMs;
        }
        cluster.PreviousArrivalMs = arrivalMs;
        cluster.Received++;
        cluster.Bytes += size;
    }

    // The result of cluster `id` once enough of it is reported; each cluster answers at most once.
    public bool TryGetResult(int id, out double bitrate)
    {
        bitrate = 0;
        ref var cluster = ref Find(id, create: false);
        if (Unsafe.IsNullRef(ref cluster) || cluster.Reported || cluster.Sent == 0
            || cluster.Received < Math.Max(MinPackets, MinReceivedRatio * cluster.Sent))
            return false;
        cluster.Reported = true;
        var sendSpan = cluster.LastSendMs - cluster.FirstSendMs;
        var receiveSpan = cluster.LastArrivalMs - cluster.FirstArrivalMs;
        if (cluster.Received >= 3 && cluster.WidestGapMs < receiveSpan)
        {
            var otherGaps = receiveSpan - cluster.WidestGapMs;
            receiveSpan = otherGaps + otherGaps / (cluster.Received - 2);
        }
        if (sendSpan < MinSpanMs || receiveSpan < MinSpanMs || sendSpan > MaxSpanMs || receiveSpan > MaxSpanMs)
            return false;
        // The last packet sent and the first received bound the spans, so their sizes are not "in" them.
        var sendRate = (cluster.Bytes - cluster.LastSendSize) * 8 * 1000 / sendSpan;
        var receiveRate = (cluster.Bytes - cluster.FirstArrivalSize) * 8 * 1000 / receiveSpan;
        if (receiveRate > MaxValidRatio * sendRate)
            return false;
        bitrate = receiveRate < SaturatedRatio * sendRate ? TargetUtilization * receiveRate : Math.Min(sendRate, receiveRate);
        return true;
    }

    private ref Cluster Find(int id, bool create)
    {
        var oldest = 0;
        for (var i = 0; i < Clusters; i++)
        {
            if (_clusters[i].Id == id)
                return ref _clusters[i];
            if (_clusters[i].Id < _clusters[oldest].Id)
                oldest = i;
        }
        if (!create)
            return ref Unsafe.NullRef<Cluster>();
        // Ids grow, so the smallest is the oldest cluster: its slot is reused.
        _clusters[oldest] = new Cluster { Id = id };
        return ref _clusters[oldest];
    }
}

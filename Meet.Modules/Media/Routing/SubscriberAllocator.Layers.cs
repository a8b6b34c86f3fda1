using System.Diagnostics;
using Meet.Modules.Media.Bandwidth;

namespace Meet.Modules.Media.Routing;

// Issue 11: which simulcast layer each of this subscriber's video consumers forwards, from the
// subscriber's own downlink estimate — per subscriber, so one lossy receiver never drags a publisher
// (or anyone else) down. Runs once per tick under the router's lock; the packet path only reads each
// consumer's TargetLayer and switches on the next keyframe of it.
internal sealed partial class SubscriberAllocator
{
    // Seed bitrates (SPEC "Simulcast": 180p/150 kbps, 360p/500 kbps, 720p/1.5 Mbps) for layers whose
    // rate is not measured yet, counted from the top layer down.
    private static readonly double[] SeedBitratesFromTop = [1_500_000, 500_000, 150_000, 100_000];

    // Opus at the seed's 50 kbps per forwarded audio stream comes off the budget first.
    private const double AudioBitrate = 50_000;

    private static readonly long UpSwitchHold = Stopwatch.Frequency * 2;

    // Layers are chosen to fill this share of the estimate, not all of it: layer bitrates count RTP bytes,
    // the path also carries SRTP tags, UDP/IP headers and RTCP (3-6 %), and AIMD saws between 85 and 100 %
    // of the capacity. Filled to 100 %, a capped path ran with its queue full and froze frames.
    private const double EstimateShare = 0.9;

    private LayerRequest[] _requests = [];
    private Consumer[] _videoConsumers = [];
    private int[] _ranks = [];
    private int[] _tileCaps = [];
    private int[] _order = [];

    public void AllocateLayers(SubscriberDownlink downlink, ConferenceSelection selection, long now)
    {
        var count = 0;
        var audio = 0;
        foreach (var slot in _slots)
        {
            if (slot.Consumer is not { IsClosed: false, IsPaused: false } consumer)
                continue;
            if (consumer.Producer.Kind == MediaKind.Audio)
            {
                audio++;
                continue;
            }
            if (count == _videoConsumers.Length)
            {
                // Grows with the slot count only (bounded by last-N), never per tick.
                Array.Resize(ref _videoConsumers, Math.Max(4, count * 2));
                Array.Resize(ref _ranks, _videoConsumers.Length);
                Array.Resize(ref _requests, _videoConsumers.Length);
                Array.Resize(ref _tileCaps, _videoConsumers.Length);
                Array.Resize(ref _order, _videoConsumers.Length);
            }
            _videoConsumers[count] = consumer;
            _ranks[count] = AllocationRank(slot, consumer, selection);
            _tileCaps[count] = TileLayerCap(slot, consumer.Producer);
            _order[count] = count;
            count++;
        }
        if (count == 0)
        {
            downlink.PaddingSender = null;
            return;
        }
        // Priority (AllocationRank): screen shares, the active speaker, pins, then the grid in selection order.
        Array.Sort(_ranks, _order, 0, count);
        var requests = _requests.AsSpan(0, count);
        for (var i = 0; i < count; i++)
            requests[i] = Describe(_videoConsumers[_order[i]], _tileCaps[_order[i]]);

        // Layers follow the estimate only; a probe runs on padding beside them (ProbeController), and only
        // its result, once measured, lets a track climb.
        var budget = downlink.HasFeedback ? EstimateShare * downlink.Estimate - audio * AudioBitrate : double.PositiveInfinity;
        downlink.PaddingSender = _videoConsumers[0];
        var wanted = LayerAllocation.Allocate(budget, requests);
        // In the estimate's terms: what the estimate must reach for every track to climb to its top layer,
        // so with the climb's headroom and the share of the estimate layers may fill. Without them probes
        // stopped just short of the estimate a 720p up-switch needs, and the track stayed at 360p.
        downlink.SetWanted((wanted * LayerAllocation.UpHeadroom + audio * AudioBitrate) / EstimateShare);

        for (var i = 0; i < count; i++)
        {
            var consumer = _videoConsumers[_order[i]];
            var chosen = requests[i].Chosen;
            var current = consumer.TargetLayer;
            // A higher ceiling (the tile grew, a layer arrived) is the client's or the publisher's doing,
            // not estimate noise: it may switch up at once.
            var ceilingRaised = requests[i].MaxLayer > consumer.LayerCeiling;
            consumer.LayerCeiling = requests[i].MaxLayer;
            if (chosen == current)
                continue;
            // Down at once (the path is already short); up only after the hold, so a track that just
            // moved does not bounce back on the next estimate.
            if (current >= 0 && chosen > current && !ceilingRaised && now - consumer.TargetLayerChangedAt < UpSwitchHold)
                continue;
            consumer.TargetLayer = chosen;
            consumer.TargetLayerChangedAt = now;
        }
        Array.Clear(_videoConsumers, 0, count);
    }

    // tileCap: the highest layer the client's tile needs (issue 11; int.MaxValue = no tile reported).
    // TopLayer counts layers dynacast paused: choosing one resumes it at the publisher.
    private static LayerRequest Describe(Consumer consumer, int tileCap)
    {
        var producer = consumer.Producer;
        var layers = producer.Layers;
        var request = new LayerRequest
        {
            MaxLayer = Math.Min(Math.Min(producer.TopLayer, tileCap), LayerRequest.MaxLayers - 1),
            CurrentLayer = consumer.TargetLayer >= 0 ? consumer.TargetLayer : consumer.CurrentLayer,
        };
        for (var layer = 0; layer < Math.Min(layers.Length, LayerRequest.MaxLayers); layer++)
        {
            var measured = layers[layer].Bitrate;
            var seed = SeedBitratesFromTop[Math.Min(layers.Length - 1 - layer, SeedBitratesFromTop.Length - 1)];
            request.SetBitrate(layer, measured > 0 ? measured : seed);
        }
        return request;
    }
}

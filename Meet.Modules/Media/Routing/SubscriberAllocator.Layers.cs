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
        var wanted = AllocateLayers(downlink.HasFeedback ? downlink.Estimate : double.PositiveInfinity, selection, now, out var paddingSender);
        downlink.PaddingSender = paddingSender;
        if (paddingSender is not null)
            downlink.SetWanted(wanted);
    }

    // estimate: the subscriber's downlink in bit/s (infinity before any feedback: nothing is held back).
    // One pass per tick for both steps: the spatial layer per track, then temporal layers below the
    // lowest spatial layer, with one budget (EstimateShare of the estimate, audio first) and one order
    // (AllocationRank). Returns the rate, in the estimate's terms, at which every track could climb to
    // its top layer (what probes aim at), and the consumer probe padding may ride on (null: no video).
    internal double AllocateLayers(double estimate, ConferenceSelection selection, long now, out IProbePaddingSender? paddingSender)
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
                Array.Resize(ref _temporalPlan, _videoConsumers.Length);
            }
            _videoConsumers[count] = consumer;
            _ranks[count] = AllocationRank(slot, consumer, selection);
            _tileCaps[count] = TileLayerCap(slot, consumer.Producer);
            _order[count] = count;
            count++;
        }
        if (count == 0)
        {
            paddingSender = null;
            return 0;
        }
        // Priority (AllocationRank): screen shares, the active speaker, pins, then the grid in selection order.
        Array.Sort(_ranks, _order, 0, count);
        var requests = _requests.AsSpan(0, count);
        for (var i = 0; i < count; i++)
            requests[i] = Describe(_videoConsumers[_order[i]], _tileCaps[_order[i]]);

        // Layers follow the estimate only; a probe runs on padding beside them (ProbeController), and only
        // its result, once measured, lets a track climb.
        var budget = EstimateShare * estimate - audio * AudioBitrate;
        paddingSender = _videoConsumers[0];
        var wanted = LayerAllocation.Allocate(budget, requests);

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
        ChooseTemporalLayers(count, budget);
        Array.Clear(_videoConsumers, 0, count);
        // In the estimate's terms: what the estimate must reach for every track to climb to its top layer,
        // so with the climb's headroom and the share of the estimate layers may fill. Without them probes
        // stopped just short of the estimate a 720p up-switch needs, and the track stayed at 360p.
        return (wanted * LayerAllocation.UpHeadroom + audio * AudioBitrate) / EstimateShare;
    }

    // libwebrtc splits an L1T3 layer's bitrate 40 / 20 / 40 % over TL0 / TL1 / TL2.
    private static readonly double[] TemporalShare = [0.4, 0.6, 1.0];

    // The share of the budget the chosen layers must leave free before dropped temporal layers return:
    // between that and a full fit the choice stays, so it does not flap with the estimate.
    private const double TemporalUpMargin = 0.9;

    private int[] _temporalPlan = [];

    // VP8 temporal layers as the step below the lowest spatial layer (issue 11), over the consumers
    // AllocateLayers collected and ranked: when even the chosen layers overrun the budget, the
    // lowest-priority tracks already at their lowest spatial layer drop to TL1 (about 60 % of its rate),
    // then all of them to TL0 (40 %), until the rest fits; they climb back (at the next layer-sync
    // picture) once everything fits at full frame rate with 10 % to spare.
    private void ChooseTemporalLayers(int count, double budget)
    {
        double need = 0;
        for (var i = 0; i < count; i++)
            need += FullRate(_videoConsumers[i]);
        if (need > budget)
        {
            // Planned afresh from full frame rates each time, so a track reduced earlier is not counted
            // twice; reductions start with the tracks that matter least (the end of the rank order).
            Array.Fill(_temporalPlan, -1, 0, count);
            for (var temporal = TemporalShare.Length - 2; temporal >= 0 && need > budget; temporal--)
            {
                for (var i = count - 1; i >= 0 && need > budget; i--)
                {
                    var consumer = _videoConsumers[_order[i]];
                    if (SpatialLayer(consumer) > 0)
                        continue;
                    need -= FullRate(consumer) * (Share(_temporalPlan[i]) - TemporalShare[temporal]);
                    _temporalPlan[i] = temporal;
                }
            }
            for (var i = 0; i < count; i++)
                _videoConsumers[_order[i]].TargetTemporalLayer = _temporalPlan[i];
        }
        else if (need <= budget * TemporalUpMargin)
        {
            for (var i = 0; i < count; i++)
                _videoConsumers[i].TargetTemporalLayer = -1;
        }
    }

    private static double Share(int temporalLayer) =>
        temporalLayer < 0 || temporalLayer >= TemporalShare.Length ? 1.0 : TemporalShare[temporalLayer];

    private static int SpatialLayer(Consumer consumer) => consumer.TargetLayer >= 0 ? consumer.TargetLayer : Math.Max(0, consumer.CurrentLayer);

    // The consumer's chosen spatial layer at its full frame rate: measured, else the seed's bitrate.
    private static double FullRate(Consumer consumer)
    {
        var layers = consumer.Producer.Layers;
        var layer = Math.Min(SpatialLayer(consumer), layers.Length - 1);
        var measured = layers[layer].Bitrate;
        return measured > 0 ? measured : SeedBitratesFromTop[Math.Min(layers.Length - 1 - layer, SeedBitratesFromTop.Length - 1)];
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

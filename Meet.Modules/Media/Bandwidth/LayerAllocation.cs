namespace Meet.Modules.Media.Bandwidth;

// Splits one subscriber's estimated downlink across its video tracks (issue 11), in priority order
// (the caller sorts: active speaker and recent speakers first, as the conference selection ranks them).
// Every visible track first gets its lowest layer — a face at 180p beats a frozen tile — then, in
// priority order, each climbs as high as the remaining budget allows. Hysteresis against oscillation:
// climbing above the layer a track is on needs 15 % headroom, staying on it is allowed down to 90 %
// of its bitrate, so an estimate hovering at a layer's edge does not flip it every tick. Pure and
// allocation-free: the caller passes a stack span.
internal static class LayerAllocation
{
    public const double UpHeadroom = 1.15;
    public const double StayTolerance = 0.9;

    // Returns the total the tracks would use with no limit (every track at its MaxLayer): what the
    // subscriber "wants", so the estimator knows when probing for more is worth it.
    public static double Allocate(double budget, Span<LayerRequest> tracks)
    {
        var wanted = 0.0;
        var remaining = budget;
        for (var i = 0; i < tracks.Length; i++)
        {
            ref var track = ref tracks[i];
            track.Chosen = track.MaxLayer < 0 ? -1 : 0;
            remaining -= track.Bitrate(track.Chosen);
            wanted += track.Bitrate(track.MaxLayer);
        }
        for (var i = 0; i < tracks.Length; i++)
        {
            ref var track = ref tracks[i];
            if (track.Chosen < 0)
                continue;
            for (var layer = track.Chosen + 1; layer <= track.MaxLayer; layer++)
            {
                var extra = track.Bitrate(layer) - track.Bitrate(track.Chosen);
                var margin = layer > track.CurrentLayer ? UpHeadroom : StayTolerance;
                if (remaining < extra * margin)
                    break;
                remaining -= extra;
                track.Chosen = layer;
            }
        }
        return wanted;
    }
}

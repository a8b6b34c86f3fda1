using System.Diagnostics;
using Meet.Modules.Media.Transport;

namespace Meet.Modules.Media.Routing;

// Issue 11: tile sizes and dynacast, the producer's side. Each layer's resolution (from its key frames,
// else the 720p/360p/180p the web client publishes) is what tile sizes are compared against; a layer
// that no consumer wants for a while is paused at the publisher (told over signaling), and resumed at
// once when one does. The lowest layer is never paused: it costs the seed's 150 kbps, keeps the track's
// key-frame path alive, and lets a new subscriber start at once.
internal sealed partial class Producer
{
    // The layer sizes a publisher without key-frame information is assumed to send: the web client's
    // q/h/f encodings of a 1280x720 camera (scaleResolutionDownBy 4, 2, 1).
    private const int AssumedTopWidth = 1280;
    private const int AssumedTopHeight = 720;

    // A consumer can be switched to any layer that arrives or that dynacast paused (resuming it is a
    // signaling message away); the allocator chooses among these.
    public int TopLayer
    {
        get
        {
            var top = BestLayer;
            for (var i = Layers.Length - 1; i > top; i--)
            {
                if (Layers[i].DynacastPaused)
                    return i;
            }
            return top;
        }
    }

    public (int Width, int Height) LayerResolution(int layer)
    {
        var state = Layers[layer];
        if (state.Width > 0 && state.Height > 0)
            return (state.Width, state.Height);
        var shift = Math.Clamp(Layers.Length - 1 - layer, 0, 8);
        return (AssumedTopWidth >> shift, AssumedTopHeight >> shift);
    }

    public bool IsDynacastPaused(int layer) => (uint)layer < (uint)Layers.Length && Layers[layer].DynacastPaused;

    // Under the router's lock, once per tick. wantedLayers: bit i set = some consumer forwards layer i
    // or wants to switch to it. Returns true when a layer was paused or resumed (the publisher must be
    // told the new states, PublisherLayers). A resumed layer starts with a key frame, requested now
    // (the publisher's encoder also starts a re-enabled encoding with one); consumers keep the layer
    // they have until it arrives, so nobody freezes while it comes back.
    public bool UpdateDynacast(int wantedLayers, long now, long pauseDelay, MediaSender sender)
    {
        if (Kind != MediaKind.Video || Layers.Length < 2 || IsClosed)
            return false;
        var changed = false;
        for (var i = 1; i < Layers.Length; i++)
        {
            var state = Layers[i];
            if ((wantedLayers & (1 << i)) != 0)
            {
                state.UnwantedSince = 0;
                if (state.DynacastPaused)
                {
                    state.DynacastPaused = false;
                    _counters.Adaptive.DynacastResume();
                    RequestKeyFrame(i, sender);
                    changed = true;
                }
                continue;
            }
            if (state.DynacastPaused)
                continue;
            if (state.UnwantedSince == 0)
                state.UnwantedSince = now;
            else if (now - state.UnwantedSince >= pauseDelay)
            {
                state.DynacastPaused = true;
                _counters.Adaptive.DynacastPause();
                changed = true;
            }
        }
        return changed;
    }

    public IReadOnlyList<PublisherLayerState> DynacastStates() =>
        Layers.Select(l => new PublisherLayerState(l.Rid, !l.DynacastPaused)).ToArray();

    // Stopwatch ticks from a configured delay.
    public static long ToTicks(TimeSpan delay) => (long)(delay.TotalSeconds * Stopwatch.Frequency);
}

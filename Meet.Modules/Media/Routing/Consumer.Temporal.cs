using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Transport;

namespace Meet.Modules.Media.Routing;

// VP8 temporal layers (issue 11; RFC 7741 §4.2 TID/Y): a finer step below a spatial switch. Chromium's
// L1T3 encodes each simulcast layer in the pattern TL0-TL2-TL1-TL2; a TL1 picture references only TL0
// and TL2 only TL0/TL1, so dropping every picture above a target halves (TL1) or quarters (TL0) the frame
// rate and the bitrate to about 60 % / 40 % without a keyframe. Going down is safe at any picture start;
// going up waits for a layer-sync picture (Y = 1: it references TL0 only), or a keyframe, of the layer.
internal sealed partial class Consumer
{
    // TID is two bits: 3 means no limit.
    public const int AllTemporalLayers = 3;

    private volatile int _targetTemporalLayer = -1;
    private int _currentTemporalLayer = AllTemporalLayers;

    // The highest temporal layer the subscriber's allocator wants for this track; -1 = all of them. Set
    // under the router's lock, read by the packet path.
    public int TargetTemporalLayer
    {
        get => _targetTemporalLayer;
        set => _targetTemporalLayer = value < 0 ? -1 : Math.Min(value, AllTemporalLayers);
    }

    // The highest temporal layer forwarded now.
    public int CurrentTemporalLayer => Volatile.Read(ref _currentTemporalLayer);

    // A keyframe starts every temporal layer afresh: everything up to the target may follow it.
    private void OnKeyFrameSwitch()
    {
        var target = _targetTemporalLayer;
        _currentTemporalLayer = target < 0 ? AllTemporalLayers : target;
    }

    private bool PassesTemporalLayer(in Vp8PayloadDescriptor descriptor, bool keyFrame, MediaSender sender)
    {
        var target = _targetTemporalLayer;
        if (target < 0)
            target = AllTemporalLayers;
        var current = _currentTemporalLayer;
        // Down at a picture start, so the picture in flight is forwarded whole.
        if (descriptor.StartsFrame && current > target)
        {
            current = target;
            sender.Counters.TemporalLayerSwitch();
        }
        var layer = descriptor.TemporalLayerId;
        if (layer > current && layer <= target && (descriptor.LayerSync || keyFrame))
        {
            current = layer;
            sender.Counters.TemporalLayerSwitch();
        }
        _currentTemporalLayer = current;
        return layer <= current;
    }
}

using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Modules.Media.Routing;

// One subscriber's VP8 picture ids and TL0PICIDX across simulcast switches and temporal-layer drops
// (RFC 7741 §4.2; issue 11). Each simulcast layer numbers its pictures on its own, so a switch would show
// the receiver's frame reference finder a jump (forwards or backwards) and make it wait for, or discard,
// frames it believes missing. At a switch (the target layer's keyframe) both counters are rebased to
// continue one past the last values sent; between switches they move with the source, less the pictures
// dropped for a lower temporal layer: libwebrtc's reference finder stashes a frame while any picture id
// between it and its reference is missing, so a dropped picture must leave no gap. TL0PICIDX needs no
// such care: only TID 0 pictures advance it, and those are never dropped. Pure state, no allocation.
internal sealed class Vp8PictureIdRewriter
{
    private const int PictureIdMask = 0x7FFF;

    // At L1T3 with only TL0 forwarded three of four pictures are dropped: 64 cover 2 s at 30 fps.
    private readonly DroppedNumbers _dropped = new(64, PictureIdMask);
    private int _pictureIdDelta;
    private int _tl0Delta;
    private int _lastPictureId = -1;
    private int _lastTl0 = -1;
    private int _highestSourcePictureId = -1;
    private bool _rebase = true;

    public int LastPictureId => _lastPictureId;

    public int LastTl0PicIdx => _lastTl0;

    // The next packet starts another layer's stream (a switch, or resuming after a pause).
    public void OnSwitch() => _rebase = true;

    // `descriptor`'s packet is not forwarded (its temporal layer is above the target): when it starts a
    // new picture, every later picture goes out one lower.
    public void Drop(in Vp8PayloadDescriptor descriptor)
    {
        if (_rebase || descriptor.PictureId < 0 || _highestSourcePictureId < 0
            || !_dropped.IsNewer(descriptor.PictureId, _highestSourcePictureId))
            return;
        _highestSourcePictureId = descriptor.PictureId;
        _pictureIdDelta--;
        _dropped.Add(descriptor.PictureId);
    }

    // The values to write for `descriptor`'s packet; -1 where the packet carries none.
    public void Map(in Vp8PayloadDescriptor descriptor, out int pictureId, out int tl0PicIdx)
    {
        if (_rebase)
        {
            _rebase = false;
            if (descriptor.PictureId >= 0)
            {
                _pictureIdDelta = _lastPictureId < 0 ? 0 : (_lastPictureId + 1 - descriptor.PictureId) & PictureIdMask;
                _highestSourcePictureId = descriptor.PictureId;
                _dropped.Clear(descriptor.PictureIdIs15Bit ? PictureIdMask : 0x7F);
            }
            if (descriptor.Tl0PicIdx >= 0)
                _tl0Delta = _lastTl0 < 0 ? 0 : (_lastTl0 + 1 - descriptor.Tl0PicIdx) & 0xFF;
        }
        pictureId = -1;
        tl0PicIdx = -1;
        if (descriptor.PictureId >= 0)
        {
            var source = descriptor.PictureId;
            var delta = _pictureIdDelta;
            if (_highestSourcePictureId < 0 || _dropped.IsNewer(source, _highestSourcePictureId))
                _highestSourcePictureId = source;
            else if (_dropped.Count > 0 && !_dropped.IsNewer(source, _dropped.Newest))
                delta += _dropped.CountNewerThan(source); // a reordered or retransmitted older picture
            // A 7-bit picture id wraps at 128 (RFC 7741 §4.2 M = 0): mapped in the 15-bit space, written modulo 128.
            pictureId = (source + delta) & (descriptor.PictureIdIs15Bit ? PictureIdMask : 0x7F);
            if (_lastPictureId < 0 || ((pictureId - _lastPictureId) & PictureIdMask) < 0x4000)
                _lastPictureId = pictureId;
        }
        if (descriptor.Tl0PicIdx >= 0)
        {
            tl0PicIdx = (descriptor.Tl0PicIdx + _tl0Delta) & 0xFF;
            if (_lastTl0 < 0 || ((tl0PicIdx - _lastTl0) & 0xFF) < 0x80)
                _lastTl0 = tl0PicIdx;
        }
    }
}

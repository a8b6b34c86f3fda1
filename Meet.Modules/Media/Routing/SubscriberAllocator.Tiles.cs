using Meet.Modules.Media.Transport;

namespace Meet.Modules.Media.Routing;

// Issue 11, layer choice (b): the client reports how large it shows each video (ResizeObserver) and
// whether it shows it at all (IntersectionObserver, page visibility). A hidden tile pauses its consumer
// (zero bytes; it resumes on a key frame like any paused consumer); a visible one caps the layer at the
// smallest that fills the tile, whatever the bandwidth, so a 320x180 tile gets the 180p layer.
internal sealed partial class SubscriberAllocator
{
    // A layer fills a tile when upscaling it by at most 10 % does: 1280x720 still serves a 1400x788
    // tile, and a 330x186 tile stays on 180p instead of costing the 360p layer's threefold bitrate.
    private const int FillTolerancePercent = 110;

    public static bool IsHidden(SubscriberSlot slot) => slot.Kind == MediaKind.Video && slot.TileHidden;

    // Under the router's lock. Returns how many entries named one of this subscriber's video slots;
    // the rest (unknown mids, audio slots) are for the caller to count. Pausing and resuming happen at
    // once; the layer cap is applied by the next AllocateLayers tick.
    public (int Applied, int Unknown) SetTileSizes(IReadOnlyList<TileSize> tiles, ConferenceSelection selection, MediaSender sender)
    {
        var applied = 0;
        var grid = GridVideos(selection, Cameras());
        foreach (var tile in tiles)
        {
            var slot = FindSlot(tile.Mid);
            if (slot is null || slot.Kind != MediaKind.Video)
                continue;
            applied++;
            slot.TileWidth = tile.Width;
            slot.TileHeight = tile.Height;
            // A tile with no area (display:none, a collapsed panel) shows nothing either.
            slot.TileHidden = tile.Hidden || tile.Width == 0 || tile.Height == 0;
            if (slot.Consumer is { IsClosed: false } consumer)
                consumer.SetPaused(!Forwards(selection, slot, consumer, grid), sender);
        }
        return (applied, tiles.Count - applied);
    }

    private SubscriberSlot? FindSlot(string mid)
    {
        foreach (var slot in _slots)
        {
            if (slot.Mid == mid)
                return slot;
        }
        return null;
    }

    // The highest layer worth sending to this slot's tile: the smallest of the producer's layers that
    // fills it (int.MaxValue when the client reported no size, or the tile is larger than every layer).
    public static int TileLayerCap(SubscriberSlot slot, Producer producer)
    {
        if (slot.TileWidth <= 0 || slot.TileHeight <= 0)
            return int.MaxValue;
        for (var layer = 0; layer < producer.Layers.Length; layer++)
        {
            var (width, height) = producer.LayerResolution(layer);
            if ((long)width * FillTolerancePercent >= slot.TileWidth * 100L && (long)height * FillTolerancePercent >= slot.TileHeight * 100L)
                return layer;
        }
        return int.MaxValue;
    }
}

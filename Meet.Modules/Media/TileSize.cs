namespace Meet.Modules.Media;

// Issue 11, layer choice (b): how large the client renders one video of its subscriber PeerConnection
// (the m-section's mid; with bounded slots, the slot), in device pixels, and whether it shows it at all.
// A hidden tile is paused (zero bytes) until it is visible again; a visible one caps the simulcast layer
// at the smallest that fills it.
public sealed record TileSize(string Mid, int Width, int Height, bool Hidden)
{
    // Larger than any display (8K is 7680 wide): a bigger value is a client bug, refused with 400.
    public const int MaxDimension = 16_384;

    // One message covers every tile of one page; more than this is refused (413).
    public const int MaxTilesPerMessage = 256;
}

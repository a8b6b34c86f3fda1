using System.Runtime.Serialization;

namespace Meet.Modules.Signaling;

// Issue 11: how large the client shows the video of one subscriber m-section (mid), in device pixels,
// and whether it is hidden (off screen, display:none, a background tab). Hub method SetTileSizes(tiles);
// gRPC ClientMessage.tile_sizes.
[DataContract]
public sealed record TileSizeMessage(
    [property: DataMember(Name = "mid")] string? Mid,
    [property: DataMember(Name = "width")] int Width,
    [property: DataMember(Name = "height")] int Height,
    [property: DataMember(Name = "hidden")] bool Hidden);

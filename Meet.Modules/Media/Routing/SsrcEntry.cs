namespace Meet.Modules.Media.Routing;

// A publisher SSRC and the producer layer it carries; Layer -1 marks an RTX or otherwise ignored stream.
// An RTX stream names the layer it repairs (RepairedLayer ≥ 0) so recovered packets rejoin that layer.
internal readonly record struct SsrcEntry(uint Ssrc, Producer Producer, int Layer, int RepairedLayer = -1);

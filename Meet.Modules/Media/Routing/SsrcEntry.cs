namespace Meet.Modules.Media.Routing;

// A publisher SSRC and the producer layer it carries; Layer -1 marks an RTX or otherwise ignored stream.
internal readonly record struct SsrcEntry(uint Ssrc, Producer Producer, int Layer);

namespace Meet.Modules.Media.Bandwidth;

// The overuse detector's hypothesis about the path (draft-ietf-rmcat-gcc-02 §5.4).
internal enum BandwidthUsage
{
    Normal,
    Underusing,
    Overusing,
}

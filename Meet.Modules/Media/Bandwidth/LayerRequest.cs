namespace Meet.Modules.Media.Bandwidth;

// One video track of one subscriber as the layer allocation sees it: its layers' bitrates (low to high,
// at most four), the highest layer it may have (what arrives, what its tile needs; -1 = hidden: nothing),
// the layer it is on now (for hysteresis), and the layer chosen.
internal struct LayerRequest
{
    public const int MaxLayers = 4;

    public int MaxLayer;
    public int CurrentLayer;
    public int Chosen;
    public double Bitrate0;
    public double Bitrate1;
    public double Bitrate2;
    public double Bitrate3;

    public readonly double Bitrate(int layer) => layer switch
    {
        < 0 => 0,
        0 => Bitrate0,
        1 => Bitrate1,
        2 => Bitrate2,
        _ => Bitrate3,
    };

    public void SetBitrate(int layer, double bitrate)
    {
        switch (layer)
        {
            case 0: Bitrate0 = bitrate; break;
            case 1: Bitrate1 = bitrate; break;
            case 2: Bitrate2 = bitrate; break;
            case 3: Bitrate3 = bitrate; break;
        }
    }
}

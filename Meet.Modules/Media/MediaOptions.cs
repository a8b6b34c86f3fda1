namespace Meet.Modules.Media;

// Bound from the "Media" configuration section.
public sealed class MediaOptions
{
    public const string SectionName = "Media";

    // 0 = any free port; the announced host candidate always carries the port actually bound.
    public int UdpPort { get; set; } = 40000;

    public int LastN { get; set; } = 12;
}

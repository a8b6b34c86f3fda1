namespace Meet.Modules.Media;

// Bound from the "Media" configuration section.
public sealed class MediaOptions
{
    public const string SectionName = "Media";

    // 0 = any free port; the announced host candidate always carries the port actually bound.
    public int UdpPort { get; set; } = 40000;

    public int LastN { get; set; } = 12;

    // A subscriber offer unanswered for this long counts as lost and is offered again (a newer version).
    public TimeSpan SubscriberAnswerTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

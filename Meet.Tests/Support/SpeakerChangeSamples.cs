using System.Diagnostics;
using System.Globalization;

namespace Meet.Tests.Support;

// Issue 10's speaker-change latency as the end-to-end tests see it, per change: talk start → the new
// speaker announced over signaling → its first frame at the subscriber (a .NET client's first video
// packet, a browser's first decoded frame). Stopwatch timestamps in; one summary line out.
internal sealed class SpeakerChangeSamples
{
    private readonly List<double> _toFrame = [];
    private readonly List<double> _toAnnounced = [];
    private readonly List<double> _announcedToFrame = [];

    public int Count => _toFrame.Count;

    public int Announced => _toAnnounced.Count;

    // announced: null when no announcement naming the new speaker arrived.
    public void Add(long talkStart, long? announced, long frame)
    {
        _toFrame.Add(Stopwatch.GetElapsedTime(talkStart, frame).TotalMilliseconds);
        if (announced is not { } at)
            return;
        _toAnnounced.Add(Stopwatch.GetElapsedTime(talkStart, at).TotalMilliseconds);
        // Negative when the frame beat the signaling message: the media path decided first.
        _announcedToFrame.Add(Stopwatch.GetElapsedTime(at, frame).TotalMilliseconds);
    }

    // The last change's announcement → frame time (the bound a test asserts on).
    public TimeSpan LastAnnouncedToFrame => TimeSpan.FromMilliseconds(_announcedToFrame[^1]);

    // frame: what the frame is ("new speaker's first video packet", "new speaker decoded").
    public string Describe(string frame) => string.Create(CultureInfo.InvariantCulture,
        $"talk start -> {frame} over {Count} changes: {Stats(_toFrame)}; talk start -> speaker announced: {Stats(_toAnnounced)}; " +
        $"announced -> {frame}: {Stats(_announcedToFrame)}");

    private static string Stats(List<double> values)
    {
        if (values.Count == 0)
            return "none";
        var sorted = values.Order().ToArray();
        return string.Create(CultureInfo.InvariantCulture,
            $"p50 {Rank(sorted, 0.5):F0} ms, p95 {Rank(sorted, 0.95):F0} ms, max {sorted[^1]:F0} ms");
    }

    private static double Rank(double[] sorted, double quantile) => sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
}

namespace Meet.Modules.Media.Routing;

// The meeting's producers sorted once per selection change for every bounded subscriber's allocation:
// cameras in the selection's video order, screen shares, the forwarded audio, and each kind's codec
// template. A subscriber then walks only as far as its own slots need (skipping itself and its pins),
// so applying a change to a meeting costs O(subscribers × slots), not O(subscribers × producers)
// (issue 10: 106 ms under the meeting's lock at 1,000 participants when each subscriber re-sorted
// every camera).
internal sealed class AllocationCandidates
{
    // Two per kind, so one is left when the first is the subscriber's own.
    private const int TemplatesKept = 2;

    private readonly Dictionary<(MediaKind Kind, bool Screen), List<Producer>> _templates = [];

    public AllocationCandidates(ConferenceSelection selection, IReadOnlyList<Producer> producers)
    {
        var cameras = new List<Producer>();
        foreach (var producer in producers)
        {
            if (producer.IsClosed)
                continue;
            if (producer.Mixer is null)
                KeepTemplate(producer);
            if (producer.IsScreen)
                Screens.Add(producer);
            if (producer.Kind == MediaKind.Video && !producer.IsScreen)
                cameras.Add(producer);
            if (producer.Kind == MediaKind.Audio && producer.Mixer is null && selection.ForwardsAudio(producer.ParticipantId))
                Audios.Add(producer);
        }
        // Stable, like the OrderBy it replaces: equal ranks keep the producers' order.
        CamerasByRank = [.. cameras.OrderBy(p => selection.VideoRank(p.ParticipantId))];
    }

    public List<Producer> Screens { get; } = [];

    public IReadOnlyList<Producer> CamerasByRank { get; }

    public List<Producer> Audios { get; } = [];

    // The first producer of a kind that is not the subscriber's own: its codecs become the slots'.
    public Producer? Template(MediaKind kind, bool screen, string subscriberId)
    {
        if (!_templates.TryGetValue((kind, screen), out var templates))
            return null;
        foreach (var template in templates)
        {
            if (template.ParticipantId != subscriberId)
                return template;
        }
        return null;
    }

    private void KeepTemplate(Producer producer)
    {
        if (!_templates.TryGetValue((producer.Kind, producer.IsScreen), out var templates))
            _templates[(producer.Kind, producer.IsScreen)] = templates = [];
        if (templates.Count < TemplatesKept && (templates.Count == 0 || templates[0].ParticipantId != producer.ParticipantId))
            templates.Add(producer);
    }
}

namespace Meet.Modules.Media.Routing;

// Turns audio activity into a meeting's ConferenceSelection each tick: the dominant speaker
// (DominantSpeakerDetector), the recent-speaker order for last-N video, and the audible set for
// top-3 audio with a hangover (a member who is speaking is never replaced; a newcomer replaces the
// weakest quiet member only when clearly more active), so audio is not switched packet by packet.
// Selection runs once per meeting per tick, never per packet or per subscriber.
internal sealed class ConferenceSelector(int lastN)
{
    private const double ReplaceMargin = 0.25;

    private readonly DominantSpeakerDetector _detector = new();
    private readonly List<string> _recent = [];
    private readonly List<string> _audible = [];

    public ConferenceSelection Current { get; private set; } = ConferenceSelection.Empty with { LastN = lastN };

    public long SpeakerChanges => _detector.Changes;

    public int LastN { get; } = lastN;

    // publishers: participant ids in join order with what they publish; covered: the time the activity
    // covers (100 ms when not said; a late tick covers more). Returns true when the selection changed;
    // speakerChanged says whether the dominant speaker did.
    public bool Tick(IReadOnlyList<(string Id, bool Video, bool Audio)> publishers, IReadOnlyDictionary<string, double> activity, out bool speakerChanged,
        TimeSpan? covered = null) =>
        Select(publishers, activity, out speakerChanged, covered ?? TimeSpan.FromMilliseconds(100));

    // Publishers came or went between ticks: the same selection rules on the current activity, so new
    // consumers get their final state at once and last-N is never exceeded, not even for a tick.
    public bool Refresh(IReadOnlyList<(string Id, bool Video, bool Audio)> publishers) => Select(publishers, null, out _, TimeSpan.Zero);

    private bool Select(IReadOnlyList<(string Id, bool Video, bool Audio)> publishers, IReadOnlyDictionary<string, double>? activity, out bool speakerChanged,
        TimeSpan covered)
    {
        var present = publishers.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _detector.Speakers.Select(s => s.SpeakerId).Where(id => !present.Contains(id)).ToList())
            _detector.Remove(gone);
        _recent.RemoveAll(id => !present.Contains(id));
        _audible.RemoveAll(id => !present.Contains(id) || !publishers.Any(p => p.Id == id && p.Audio));

        var previousDominant = Current.DominantSpeaker;
        if (activity is not null)
            _detector.Tick(activity.Where(a => present.Contains(a.Key)).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal), covered);
        var dominant = _detector.Dominant;
        speakerChanged = dominant != previousDominant;
        if (speakerChanged && dominant is not null)
        {
            _recent.Remove(dominant);
            _recent.Insert(0, dominant);
        }
        UpdateAudible(publishers);

        var video = new List<string>();
        if (dominant is not null && publishers.Any(p => p.Id == dominant && p.Video))
            video.Add(dominant);
        video.AddRange(_recent.Where(id => id != dominant && publishers.Any(p => p.Id == id && p.Video)));
        var placed = new HashSet<string>(video, StringComparer.Ordinal);
        video.AddRange(publishers.Where(p => p.Video && placed.Add(p.Id)).Select(p => p.Id));

        var next = new ConferenceSelection(dominant, _recent.ToArray(), video, _audible.ToArray(),
            publishers.Where(p => p.Audio).Select(p => p.Id).ToArray(), LastN);
        var changed = speakerChanged || !next.VideoOrder.SequenceEqual(Current.VideoOrder) || !next.Audible.SequenceEqual(Current.Audible)
            || !next.RecentSpeakers.SequenceEqual(Current.RecentSpeakers);
        Current = next;
        return changed;
    }

    private void UpdateAudible(IReadOnlyList<(string Id, bool Video, bool Audio)> publishers)
    {
        double Score(string id) => _detector.Find(id) is { } s ? s.Medium + 0.5 * s.Immediate : 0;
        bool Speaking(string id) => _detector.Find(id) is { } s && s.Immediate >= DominantSpeakerDetector.QuietImmediate;
        var candidates = publishers.Where(p => p.Audio && !_audible.Contains(p.Id)).Select(p => p.Id)
            .OrderByDescending(Score).ToList();
        foreach (var candidate in candidates)
        {
            if (_audible.Count < ConferenceSelection.AudibleSpeakers)
            {
                _audible.Add(candidate);
                continue;
            }
            var score = Score(candidate);
            if (score <= 0)
                break;
            var weakest = _audible.Where(id => !Speaking(id)).OrderBy(Score).FirstOrDefault();
            if (weakest is not null && score > Score(weakest) + ReplaceMargin)
                _audible[_audible.IndexOf(weakest)] = candidate;
        }
    }
}

namespace Meet.Modules.Media.Routing;

// Dominant speaker identification from RFC 6464 audio levels, in the spirit of Volfin and Cohen
// ("Dominant speaker identification for multipoint videoconferencing", 2013; Jitsi's bridge): speech is
// judged on three time scales, so that the decision follows who holds the floor rather than the
// loudest packet. A challenger replaces the dominant speaker when
//  - the dominant speaker has gone quiet (immediate activity low) and the challenger both speaks now
//    (immediate) and has spoken for a good part of the last second (medium) — a cough or a word of
//    back-channel has immediate activity but not medium, so it never flips the decision; or
//  - both speak, and the challenger dominates on all three scales (immediate, medium and long) by a
//    margin — the long scale keeps the floor with whoever has held it when two talk at once.
// Pauses between words and silence suppression (no packets: activity 0) cannot flip it by
// themselves: with nobody else speaking there is no challenger. A switch is held for HoldTicks.
// Not thread-safe: the router's tick drives it.
internal sealed class DominantSpeakerDetector
{
    public const double QuietImmediate = 0.2;
    public const double SpeakingImmediate = 0.6;
    // A challenger needs 350 ms of speech within the last second: a 300 ms "yes" or a cough (0.3) stays
    // below it. Was 0.4 (400 ms); at a 100 ms tick the decision is most of speaker-change latency.
    public const double SustainedMedium = 0.35;
    public const double Margin = 0.3;
    public const int HoldTicks = 10;        // 500 ms of SpeakerActivity.Resolution entries

    private readonly Dictionary<string, SpeakerActivity> _speakers = new(StringComparer.Ordinal);
    private long _tick;
    private long _lastSwitchTick = long.MinValue / 2;

    public string? Dominant { get; private set; }

    public long Changes { get; private set; }

    public IEnumerable<SpeakerActivity> Speakers => _speakers.Values;

    public SpeakerActivity? Find(string speakerId) => _speakers.GetValueOrDefault(speakerId);

    public void Remove(string speakerId)
    {
        _speakers.Remove(speakerId);
        if (Dominant == speakerId)
            Dominant = null;
    }

    // One tick's activity per speaker (speakers not named had none: silence or no packets) over 100 ms.
    public bool Tick(IReadOnlyDictionary<string, double> activity) => Tick(activity, TimeSpan.FromMilliseconds(100));

    // The activity per speaker over `covered` time: one ring entry per SpeakerActivity.Resolution it
    // covers (a late tick covers several: each window then advances by that much time, and the hold
    // counts it). Returns true when the dominant speaker changed.
    public bool Tick(IReadOnlyDictionary<string, double> activity, TimeSpan covered)
    {
        var intervals = Math.Clamp((int)Math.Round(covered / SpeakerActivity.Resolution), 1, SpeakerActivity.LongTicks);
        foreach (var (id, value) in activity)
        {
            if (!_speakers.ContainsKey(id))
                _speakers[id] = new SpeakerActivity(id);
        }
        for (var i = 0; i < intervals; i++)
        {
            _tick++;
            foreach (var speaker in _speakers.Values)
                speaker.Push(activity.GetValueOrDefault(speaker.SpeakerId), _tick);
        }
        return Decide();
    }

    private bool Decide()
    {
        if (_tick - _lastSwitchTick < HoldTicks)
            return false;
        var incumbent = Dominant is null ? null : _speakers.GetValueOrDefault(Dominant);
        SpeakerActivity? best = null;
        foreach (var challenger in _speakers.Values)
        {
            if (challenger == incumbent || !Beats(challenger, incumbent))
                continue;
            if (best is null || challenger.Medium > best.Medium || (challenger.Medium == best.Medium && challenger.Immediate > best.Immediate))
                best = challenger;
        }
        if (best is null)
            return false;
        Dominant = best.SpeakerId;
        _lastSwitchTick = _tick;
        Changes++;
        return true;
    }

    private static bool Beats(SpeakerActivity challenger, SpeakerActivity? incumbent)
    {
        var speaksNow = challenger.Immediate >= SpeakingImmediate && challenger.Medium >= SustainedMedium;
        if (incumbent is null || incumbent.Immediate < QuietImmediate)
            return speaksNow;
        return speaksNow
            && challenger.Immediate >= incumbent.Immediate + Margin
            && challenger.Medium >= incumbent.Medium + Margin
            && challenger.Long > incumbent.Long;
    }
}

namespace Meet.Modules.Media.Routing;

// What one meeting forwards, decided once per tick for everyone (SPEC "SFU behaviour"): video in
// VideoOrder (active speaker, then the most recent speakers, then the other cameras in join order),
// of which each subscriber gets the first LastN that are not itself; audio from the Audible set (at
// most three), of which each subscriber gets the ones that are not itself.
// A publisher the selection has not seen yet (it started publishing since the last tick) is placed
// last, where the next tick puts it too, so its first consumers need not wait for that tick.
internal sealed record ConferenceSelection(string? DominantSpeaker, IReadOnlyList<string> RecentSpeakers,
    IReadOnlyList<string> VideoOrder, IReadOnlyList<string> Audible, IReadOnlyList<string> AudioPublishers, int LastN)
{
    public const int AudibleSpeakers = 3;

    public static readonly ConferenceSelection Empty = new(null, [], [], [], [], 0);

    // Whether subscriber `subscriberId` receives the video of `publisherId`; a subscriber may ask for
    // fewer than the meeting's LastN (maxVideos), never for more.
    public bool ForwardsVideo(string subscriberId, string publisherId, int maxVideos = int.MaxValue)
    {
        var limit = Math.Min(LastN, maxVideos);
        var taken = 0;
        foreach (var id in VideoOrder)
        {
            if (id == subscriberId)
                continue;
            if (taken++ >= limit)
                return false;
            if (id == publisherId)
                return true;
        }
        return taken < limit && !VideoOrder.Contains(publisherId, StringComparer.Ordinal);
    }

    public bool ForwardsAudio(string publisherId) =>
        Audible.Contains(publisherId, StringComparer.Ordinal)
        || (Audible.Count < AudibleSpeakers && !AudioPublishers.Contains(publisherId, StringComparer.Ordinal));
}

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

    // Built once per selection: applying it asks for every consumer of every subscriber, so each answer
    // must be O(1), not a walk of the order (that would be O(participants³) per change).
    private readonly Dictionary<string, int> _videoRank = VideoOrder.Select((id, rank) => (id, rank)).ToDictionary(x => x.id, x => x.rank, StringComparer.Ordinal);
    private readonly HashSet<string> _audible = new(Audible, StringComparer.Ordinal);
    private readonly HashSet<string> _audioPublishers = new(AudioPublishers, StringComparer.Ordinal);

    // Whether subscriber `subscriberId` receives the video of `publisherId`; a subscriber may ask for
    // fewer than the meeting's LastN (maxVideos), never for more.
    public bool ForwardsVideo(string subscriberId, string publisherId, int maxVideos = int.MaxValue)
    {
        var limit = Math.Min(LastN, maxVideos);
        var selfAhead = _videoRank.TryGetValue(subscriberId, out var selfRank) ? 1 : 0;
        if (!_videoRank.TryGetValue(publisherId, out var rank))
            return VideoOrder.Count - selfAhead < limit;
        // The subscriber's own place in the order does not count against its limit.
        var position = selfAhead == 1 && selfRank < rank ? rank - 1 : rank;
        return publisherId != subscriberId && position < limit;
    }

    // Place in the video order (0 = the dominant speaker): the priority of a track in a subscriber's
    // bandwidth allocation (issue 11). Publishers not ranked yet come last.
    public int VideoRank(string publisherId) => _videoRank.TryGetValue(publisherId, out var rank) ? rank : int.MaxValue;

    public bool ForwardsAudio(string publisherId) =>
        _audible.Contains(publisherId) || (Audible.Count < AudibleSpeakers && !_audioPublishers.Contains(publisherId));
}

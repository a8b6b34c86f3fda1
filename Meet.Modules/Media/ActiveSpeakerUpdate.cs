namespace Meet.Modules.Media;

// The meeting's dominant speaker (null until someone has spoken) and the recent speakers, most recent
// first (the dominant one included), as the SFU's selection sees them.
public sealed record ActiveSpeakerUpdate(string? DominantSpeakerId, IReadOnlyList<string> RecentSpeakers);

namespace Meet.Modules.Media;

// AudioMode: the meeting's (stored at creation); null = Media:AudioMode. The first participant's
// request fixes a meeting's mode on this node for as long as it has media.
public sealed record MediaParticipantRequest(string MeetingId, string ParticipantId, string DisplayName, AudioMode? AudioMode = null);

namespace Meet.Modules.Client;

// The REST join response: who we are and the token signaling authenticates with.
public sealed record MeetingJoined(string MeetingId, string ParticipantId, string Role, string AccessToken);

namespace Meet.Modules.Client;

// The REST join response: who we are and the token signaling authenticates with.
// GrpcAddress: where the server said gRPC signaling listens (its own HTTP/2-only endpoint on cleartext).
public sealed record MeetingJoined(string MeetingId, string ParticipantId, string Role, string AccessToken, Uri? GrpcAddress = null);

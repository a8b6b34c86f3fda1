namespace Meet.Modules.Media;

public sealed record MediaParticipantRequest(string MeetingId, string ParticipantId, string DisplayName);

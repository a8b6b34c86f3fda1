namespace Meet.Modules.Media;

// One receive slot of a subscriber PeerConnection with bounded slots: the m-section's mid, "audio" or
// "video", and whose track it carries now (null when the slot is idle).
public sealed record MediaSlotAssignment(string Mid, string Kind, string? ParticipantId, string? TrackId);

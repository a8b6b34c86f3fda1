namespace Meet.Modules.Storage;

// Admitted is false when the meeting was missing or no longer ACTIVE at the moment of admission.
// MaxParticipantsCount is the meeting's peak of simultaneous participants after this admission.
public readonly record struct ParticipantAdmission(bool Admitted, int MaxParticipantsCount);

namespace Meet.Modules.Storage;

// Admitted is false when the meeting was missing or no longer ACTIVE at the moment of admission.
public readonly record struct ParticipantAdmission(bool Admitted, int ParticipantCount);

namespace Meet.Modules.Storage;

public enum ParticipantRole
{
    Host,
    Participant,
    Guest,
}

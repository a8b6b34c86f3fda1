namespace Meet.Modules.Storage;

public enum MeetingStatus
{
    Active,
    Ended,
}

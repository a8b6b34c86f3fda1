namespace Meet.Modules.Storage;

public enum MediaServerStatus
{
    Online,
    Draining,
    Offline,
}

namespace Meet.Modules.Storage;

public enum ParticipantConnectionStatus
{
    Connecting,
    Connected,
    Disconnected,
}

namespace Meet.Modules.Media;

public enum MediaConnectionState
{
    New,
    Connecting,
    Connected,
    Disconnected,
    Failed,
    Closed,
}

namespace Meet.Modules.Signaling.Internal;

internal enum SessionState
{
    Joining,
    Negotiating,
    Connected,
    Reconnecting,
    Left,
}

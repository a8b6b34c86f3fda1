namespace Meet.Modules.Media.Protocols.Ice;

public enum IceConnectionState
{
    New,
    Checking,
    Connected,
    // ICE restart in progress: new credentials are in force, media still uses the old path.
    Restarting,
    // Consent lost (RFC 7675 §5.1) or every check failed; only an ICE restart recovers.
    Failed,
    Closed,
}

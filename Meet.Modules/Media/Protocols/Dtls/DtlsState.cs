namespace Meet.Modules.Media.Protocols.Dtls;

public enum DtlsState
{
    New,
    Handshaking,
    Connected,
    Failed,
    Closed,
}

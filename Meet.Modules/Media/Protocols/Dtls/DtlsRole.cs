namespace Meet.Modules.Media.Protocols.Dtls;

// RFC 5763 §5: the role follows a=setup — "active" is the DTLS client, "passive" the server.
public enum DtlsRole
{
    Client,
    Server,
}

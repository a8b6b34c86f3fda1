namespace Meet.Modules.Media.Protocols.Dtls;

// Thrown into BouncyCastle's blocking Receive when the endpoint is closed, so the handshake or the
// application-data loop unwinds instead of waiting for a datagram that will never come.
internal sealed class DtlsTransportClosedException : IOException
{
    public DtlsTransportClosedException()
        : base("The DTLS datagram transport was closed.")
    {
    }
}

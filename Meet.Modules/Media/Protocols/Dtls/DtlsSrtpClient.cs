using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Meet.Modules.Media.Protocols.Dtls;

internal sealed class DtlsSrtpClient : DefaultTlsClient
{
    private readonly DtlsHandshakeContext _handshake;

    public DtlsSrtpClient(BcTlsCrypto crypto, DtlsHandshakeContext handshake)
        : base(crypto)
    {
        _handshake = handshake;
    }

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => TlsUtilities.GetSupportedCipherSuites(Crypto, DtlsHandshakeContext.CipherSuites);

    public override int GetHandshakeTimeoutMillis() => _handshake.HandshakeTimeoutMillis;

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        IDictionary<int, byte[]> extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());
        int[] profiles = _handshake.Options.SrtpProfiles.Select(p => (int)p).ToArray();
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData(profiles, TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
    {
        base.ProcessServerExtensions(serverExtensions);
        _handshake.AcceptProfile(serverExtensions is null ? null : TlsSrtpUtilities.GetUseSrtpExtension(serverExtensions));
    }

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        _handshake.ExportKeys(m_context);
    }

    public override void NotifyAlertReceived(short alertLevel, short alertDescription) => _handshake.OnAlertReceived(alertLevel, alertDescription);

    private sealed class Authentication(DtlsSrtpClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate) =>
            client._handshake.VerifyPeerCertificate(serverCertificate?.Certificate);

        // Always answer a CertificateRequest: WebRTC peers authenticate each other (RFC 8827 §6.5).
        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) =>
            client._handshake.Options.Certificate.CreateSigner(client.m_context, (BcTlsCrypto)client.Crypto);
    }
}

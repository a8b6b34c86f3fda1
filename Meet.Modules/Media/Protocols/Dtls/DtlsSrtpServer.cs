using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Meet.Modules.Media.Protocols.Dtls;

internal sealed class DtlsSrtpServer : DefaultTlsServer
{
    private readonly DtlsHandshakeContext _handshake;

    public DtlsSrtpServer(BcTlsCrypto crypto, DtlsHandshakeContext handshake)
        : base(crypto)
    {
        _handshake = handshake;
    }

    private DtlsSrtpProfile _profile;

    public override ProtocolVersion[] GetProtocolVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => TlsUtilities.GetSupportedCipherSuites(Crypto, DtlsHandshakeContext.CipherSuites);

    public override int GetHandshakeTimeoutMillis() => _handshake.HandshakeTimeoutMillis;

    protected override TlsCredentialedSigner GetECDsaSignerCredentials() => _handshake.Options.Certificate.CreateSigner(m_context, (BcTlsCrypto)Crypto);

    // WebRTC needs the client's certificate to pin it against the offer/answer fingerprint.
    public override CertificateRequest GetCertificateRequest() => new(
        [ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign],
        TlsUtilities.GetDefaultSupportedSignatureAlgorithms(m_context),
        null);

    public override void NotifyClientCertificate(Certificate clientCertificate) => _handshake.VerifyPeerCertificate(clientCertificate);

    public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);
        _profile = _handshake.ChooseProfile(TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions));
    }

    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        IDictionary<int, byte[]> extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetServerExtensions());
        // RFC 5764 §4.1.1: the server echoes one profile and an empty MKI.
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData([(int)_profile], TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        _handshake.ExportKeys(m_context);
    }

    public override void NotifyAlertReceived(short alertLevel, short alertDescription) => _handshake.OnAlertReceived(alertLevel, alertDescription);
}

using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Org.BouncyCastle.Utilities;
using Org.BouncyCastle.X509;

namespace Meet.Modules.Media.Protocols.Dtls;

// The endpoint's own identity. WebRTC certificates are self-signed and authenticated only through the
// fingerprint signalled in SDP (RFC 8827 §6.5), so one is generated at start-up and never persisted.
public sealed class DtlsCertificate
{
    private readonly X509Certificate _certificate;
    private readonly AsymmetricKeyParameter _privateKey;
    private readonly byte[] _der;

    private DtlsCertificate(X509Certificate certificate, AsymmetricKeyParameter privateKey)
    {
        _certificate = certificate;
        _privateKey = privateKey;
        _der = certificate.GetEncoded();
        Fingerprint = DtlsFingerprint.Compute("sha-256", _der);
    }

    public DtlsFingerprint Fingerprint { get; }

    public ReadOnlyMemory<byte> DerEncoded => _der;

    public DateTimeOffset NotAfter => new(_certificate.NotAfter, TimeSpan.Zero);

    // ECDSA P-256 with SHA-256: what browsers generate by default and what every DTLS stack accepts.
    public static DtlsCertificate CreateSelfSigned(DateTimeOffset now, TimeSpan validity, string commonName = "meet")
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(validity, TimeSpan.Zero);
        var random = new SecureRandom();
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, random));
        AsymmetricCipherKeyPair keys = generator.GenerateKeyPair();

        var name = new X509Name("CN=" + commonName);
        var builder = new X509V3CertificateGenerator();
        builder.SetSerialNumber(BigIntegers.CreateRandomInRange(BigInteger.One, BigInteger.One.ShiftLeft(63), random));
        builder.SetIssuerDN(name);
        builder.SetSubjectDN(name);
        // A day of slack before "now" tolerates peers whose clocks run behind ours.
        builder.SetNotBefore(now.UtcDateTime.AddDays(-1));
        builder.SetNotAfter(now.UtcDateTime.Add(validity));
        builder.SetPublicKey(keys.Public);
        X509Certificate certificate = builder.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", keys.Private, random));
        return new DtlsCertificate(certificate, keys.Private);
    }

    internal Certificate ToTlsCertificate(TlsCrypto crypto) => new([crypto.CreateCertificate(_der)]);

    internal TlsCredentialedSigner CreateSigner(TlsContext context, BcTlsCrypto crypto) =>
        new BcDefaultTlsCredentialedSigner(
            new TlsCryptoParameters(context),
            crypto,
            _privateKey,
            ToTlsCertificate(crypto),
            SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
}

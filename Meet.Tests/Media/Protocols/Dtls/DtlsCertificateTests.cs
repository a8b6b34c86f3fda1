using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Meet.Modules.Media.Protocols.Dtls;

namespace Meet.Tests.Media.Protocols.Dtls;

[TestFixture]
public sealed class DtlsCertificateTests
{
    [Test]
    public void Generated_certificate_is_a_self_signed_ecdsa_p256_certificate()
    {
        DtlsCertificate certificate = DtlsCertificate.CreateSelfSigned(DateTimeOffset.UtcNow, TimeSpan.FromDays(30));

        using var parsed = X509CertificateLoader.LoadCertificate(certificate.DerEncoded.Span);
        using ECDsa? key = parsed.GetECDsaPublicKey();
        key.Should().NotBeNull();
        key!.KeySize.Should().Be(256);
        key.ExportParameters(false).Curve.Oid.Value.Should().Be("1.2.840.10045.3.1.7");
        parsed.Subject.Should().Be(parsed.Issuer);
        parsed.SignatureAlgorithm.Value.Should().Be("1.2.840.10045.4.3.2", "ecdsa-with-SHA256");
    }

    [Test]
    public void Validity_covers_now_and_ends_after_the_requested_span()
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        DtlsCertificate certificate = DtlsCertificate.CreateSelfSigned(now, TimeSpan.FromDays(7));

        using var parsed = X509CertificateLoader.LoadCertificate(certificate.DerEncoded.Span);
        parsed.NotBefore.ToUniversalTime().Should().BeBefore(now.UtcDateTime);
        certificate.NotAfter.Should().Be(now.AddDays(7));
    }

    [Test]
    public void Fingerprint_is_sdp_formatted_sha256_of_the_der_encoding()
    {
        DtlsCertificate certificate = DtlsCertificate.CreateSelfSigned(DateTimeOffset.UtcNow, TimeSpan.FromDays(1));

        string expected = "sha-256 " + string.Join(':', SHA256.HashData(certificate.DerEncoded.Span).Select(b => b.ToString("X2")));
        certificate.Fingerprint.ToString().Should().Be(expected);
        certificate.Fingerprint.ToString().Should().MatchRegex("^sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$");
    }

    [Test]
    public void Each_certificate_has_its_own_key_and_fingerprint()
    {
        DtlsCertificate a = DtlsCertificate.CreateSelfSigned(DateTimeOffset.UtcNow, TimeSpan.FromDays(1));
        DtlsCertificate b = DtlsCertificate.CreateSelfSigned(DateTimeOffset.UtcNow, TimeSpan.FromDays(1));

        a.Fingerprint.Should().NotBe(b.Fingerprint);
    }
}

using System.Security.Cryptography;
using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Dtls;

namespace Meet.Tests.Media.Protocols.Dtls;

[TestFixture]
public sealed class DtlsFingerprintTests
{
    // The fingerprint line of the captured Chromium offer (Fixtures/Sdp/chrome-simulcast-offer.sdp).
    private const string ChromeFingerprint = "sha-256 5B:67:76:B4:A6:81:45:B6:3B:80:73:5F:8F:B1:D4:07:66:CD:6D:3E:20:F1:4F:8B:FE:1A:D0:E9:DF:5B:F1:77";

    [Test]
    public void Chrome_fingerprint_round_trips_through_parse_and_format()
    {
        DtlsFingerprint.TryParse(ChromeFingerprint, out DtlsFingerprint? fingerprint).Should().BeTrue();

        fingerprint!.Algorithm.Should().Be("sha-256");
        fingerprint.Digest.Length.Should().Be(32);
        fingerprint.Digest[0].Should().Be(0x5B);
        fingerprint.ToString().Should().Be(ChromeFingerprint);
    }

    [Test]
    public void Lower_case_hex_and_upper_case_algorithm_are_accepted()
    {
        DtlsFingerprint.TryParse(ChromeFingerprint.ToLowerInvariant().Replace("sha-256", "SHA-256"), out DtlsFingerprint? fingerprint).Should().BeTrue();

        fingerprint!.ToString().Should().Be(ChromeFingerprint);
    }

    [TestCase("")]
    [TestCase("sha-256")]
    [TestCase("sha-256 ")]
    [TestCase("md5 5B:67")]
    [TestCase("sha-256 5B:67:76")]
    [TestCase("sha-256 5B-67-76-B4-A6-81-45-B6-3B-80-73-5F-8F-B1-D4-07-66-CD-6D-3E-20-F1-4F-8B-FE-1A-D0-E9-DF-5B-F1-77")]
    [TestCase("sha-256 ZZ:67:76:B4:A6:81:45:B6:3B:80:73:5F:8F:B1:D4:07:66:CD:6D:3E:20:F1:4F:8B:FE:1A:D0:E9:DF:5B:F1:77")]
    [TestCase("sha-1 5B:67:76:B4:A6:81:45:B6:3B:80:73:5F:8F:B1:D4:07:66:CD:6D:3E:20:F1:4F:8B:FE:1A:D0:E9:DF:5B:F1:77")]
    public void Malformed_fingerprints_are_rejected(string value)
    {
        DtlsFingerprint.TryParse(value, out DtlsFingerprint? fingerprint).Should().BeFalse();
        fingerprint.Should().BeNull();
    }

    [TestCase("sha-1")]
    [TestCase("sha-256")]
    [TestCase("sha-384")]
    [TestCase("sha-512")]
    public void Computed_fingerprint_matches_the_certificate_it_was_computed_from_only(string algorithm)
    {
        byte[] der = DtlsTestPair.ClientCertificate.DerEncoded.ToArray();
        DtlsFingerprint fingerprint = DtlsFingerprint.Compute(algorithm, der);

        fingerprint.Matches(der).Should().BeTrue();
        fingerprint.Matches(DtlsTestPair.ServerCertificate.DerEncoded.Span).Should().BeFalse();
        DtlsFingerprint.TryParse(fingerprint.ToString(), out DtlsFingerprint? reparsed).Should().BeTrue();
        reparsed.Should().Be(fingerprint);
    }

    [Test]
    public void Sha256_fingerprint_is_the_digest_of_the_der_certificate()
    {
        byte[] der = DtlsTestPair.ServerCertificate.DerEncoded.ToArray();

        DtlsFingerprint.Compute("sha-256", der).Digest.ToArray().Should().Equal(SHA256.HashData(der));
    }

    [Test]
    public void Random_text_never_throws()
    {
        Prop.ForAll<string>(text =>
        {
            bool parsed = DtlsFingerprint.TryParse(text ?? string.Empty, out DtlsFingerprint? fingerprint);
            return parsed == (fingerprint is not null);
        }).QuickCheckThrowOnFailure();
    }

    [Test]
    public void Every_truncation_of_a_valid_fingerprint_is_rejected()
    {
        for (int length = 0; length < ChromeFingerprint.Length; length++)
        {
            DtlsFingerprint.TryParse(ChromeFingerprint.AsSpan(0, length), out _).Should().BeFalse($"length {length}");
        }
    }
}

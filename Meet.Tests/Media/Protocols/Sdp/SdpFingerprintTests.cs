using Meet.Modules.Media.Protocols.Dtls;
using Meet.Modules.Media.Protocols.Sdp;
using Meet.Tests.Media.Protocols.Dtls;

namespace Meet.Tests.Media.Protocols.Sdp;

[TestFixture]
public sealed class SdpFingerprintTests
{
    [Test]
    public void Dtls_fingerprint_converts_to_sdp_and_back()
    {
        DtlsFingerprint dtls = DtlsTestPair.ServerCertificate.Fingerprint;

        SdpFingerprint sdp = SdpFingerprint.From(dtls);

        sdp.ToString().Should().Be(dtls.ToString());
        sdp.TryToDtls(out DtlsFingerprint? back).Should().BeTrue();
        back.Should().Be(dtls);
    }

    [Test]
    public void Unknown_hash_functions_survive_parsing_but_do_not_convert()
    {
        SdpFingerprint.TryParse("sha-224 00:11", out SdpFingerprint? sdp).Should().BeTrue();

        sdp!.ToString().Should().Be("sha-224 00:11");
        sdp.TryToDtls(out _).Should().BeFalse();
    }

    [TestCase("")]
    [TestCase("sha-256")]
    [TestCase("sha-256 AA BB")]
    public void Malformed_fingerprint_attributes_are_rejected(string value)
    {
        SdpFingerprint.TryParse(value, out SdpFingerprint? f).Should().BeFalse();
        f.Should().BeNull();
    }
}

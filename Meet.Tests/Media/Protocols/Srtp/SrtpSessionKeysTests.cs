using Meet.Modules.Media.Protocols.Srtp;

namespace Meet.Tests.Media.Protocols.Srtp;

public class SrtpSessionKeysTests
{
    // RFC 3711 Appendix B.3.
    private static readonly byte[] MasterKey = Convert.FromHexString("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static readonly byte[] MasterSalt = Convert.FromHexString("0EC675AD498AFEEBB6960B3AABE6");

    [Test]
    public void Rfc3711_B3_key_derivation_gives_the_published_session_keys()
    {
        var keys = SrtpSessionKeys.Derive(
            new SrtpKeyingMaterial(SrtpProtectionProfile.AesCm128HmacSha1_80, MasterKey, MasterSalt), rtcp: false);

        Convert.ToHexString(keys.EncryptionKey).Should().Be("C61E7A93744F39EE10734AFE3FF7A087");
        Convert.ToHexString(keys.Salt).Should().Be("30CBBC08863D8C85D49DB34A9AE1");
        Convert.ToHexString(keys.AuthKey).Should().Be("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4");
    }

    [Test]
    public void Srtcp_keys_differ_from_srtp_keys()
    {
        var master = new SrtpKeyingMaterial(SrtpProtectionProfile.AesCm128HmacSha1_80, MasterKey, MasterSalt);

        var rtp = SrtpSessionKeys.Derive(master, rtcp: false);
        var rtcp = SrtpSessionKeys.Derive(master, rtcp: true);

        rtcp.EncryptionKey.Should().NotEqual(rtp.EncryptionKey);
        rtcp.Salt.Should().NotEqual(rtp.Salt);
        rtcp.AuthKey.Should().NotEqual(rtp.AuthKey);
    }

    [Test]
    public void Gcm_derivation_yields_a_12_byte_salt_and_no_auth_key()
    {
        var master = new SrtpKeyingMaterial(SrtpProtectionProfile.AeadAes128Gcm, MasterKey, MasterSalt.AsSpan(0, 12));

        var keys = SrtpSessionKeys.Derive(master, rtcp: false);

        keys.EncryptionKey.Should().HaveCount(16);
        keys.Salt.Should().HaveCount(12);
        keys.AuthKey.Should().BeEmpty();
    }
}

using Meet.Modules.Media.Protocols.Srtp;

namespace Meet.Tests.Media.Protocols.Srtp;

public class SrtpKeyingMaterialTests
{
    [TestCase(SrtpProtectionProfile.AeadAes128Gcm, 56)]
    [TestCase(SrtpProtectionProfile.AesCm128HmacSha1_80, 60)]
    public void Dtls_export_length_is_two_keys_and_two_salts(SrtpProtectionProfile profile, int expected) =>
        SrtpKeyingMaterial.GetDtlsExportLength(profile).Should().Be(expected);

    [TestCase(SrtpProtectionProfile.AeadAes128Gcm, 12)]
    [TestCase(SrtpProtectionProfile.AesCm128HmacSha1_80, 14)]
    public void Dtls_export_is_split_client_key_server_key_client_salt_server_salt(SrtpProtectionProfile profile, int saltLength)
    {
        // RFC 5764 §4.2 layout, each part filled with its own marker byte.
        byte[] exported = [.. Fill(16, 0xC1), .. Fill(16, 0x51), .. Fill(saltLength, 0xC5), .. Fill(saltLength, 0x55)];

        var (clientLocal, clientRemote) = SrtpKeyingMaterial.FromDtlsExport(profile, exported, isDtlsClient: true);
        var (serverLocal, serverRemote) = SrtpKeyingMaterial.FromDtlsExport(profile, exported, isDtlsClient: false);

        clientLocal.MasterKey.ToArray().Should().Equal(Fill(16, 0xC1));
        clientLocal.MasterSalt.ToArray().Should().Equal(Fill(saltLength, 0xC5));
        clientRemote.MasterKey.ToArray().Should().Equal(Fill(16, 0x51));
        clientRemote.MasterSalt.ToArray().Should().Equal(Fill(saltLength, 0x55));
        serverLocal.MasterKey.ToArray().Should().Equal(clientRemote.MasterKey.ToArray());
        serverRemote.MasterSalt.ToArray().Should().Equal(clientLocal.MasterSalt.ToArray());
        serverLocal.Profile.Should().Be(profile);
    }

    [Test]
    public void Export_of_the_wrong_length_is_refused()
    {
        var act = () => SrtpKeyingMaterial.FromDtlsExport(SrtpProtectionProfile.AeadAes128Gcm, new byte[60], true);

        act.Should().Throw<ArgumentException>();
    }

    [Test]
    public void Salt_of_the_other_profiles_length_is_refused()
    {
        var act = () => new SrtpKeyingMaterial(SrtpProtectionProfile.AeadAes128Gcm, new byte[16], new byte[14]);

        act.Should().Throw<ArgumentException>().WithParameterName("masterSalt");
    }

    [Test]
    public void Profile_values_are_the_dtls_srtp_protection_profile_ids()
    {
        ((ushort)SrtpProtectionProfile.AesCm128HmacSha1_80).Should().Be(0x0001);
        ((ushort)SrtpProtectionProfile.AeadAes128Gcm).Should().Be(0x0007);
    }

    private static byte[] Fill(int length, byte value) => Enumerable.Repeat(value, length).ToArray();
}

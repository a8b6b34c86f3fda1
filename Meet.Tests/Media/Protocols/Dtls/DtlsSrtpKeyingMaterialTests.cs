using Meet.Modules.Media.Protocols.Dtls;

namespace Meet.Tests.Media.Protocols.Dtls;

[TestFixture]
public sealed class DtlsSrtpKeyingMaterialTests
{
    [TestCase(DtlsSrtpProfile.Aes128CmHmacSha1_80, 14)]
    [TestCase(DtlsSrtpProfile.AeadAes128Gcm, 12)]
    public void Exported_block_splits_as_client_key_server_key_client_salt_server_salt(DtlsSrtpProfile profile, int saltLength)
    {
        byte[] block = Enumerable.Range(0, 2 * (16 + saltLength)).Select(i => (byte)i).ToArray();

        var keys = new DtlsSrtpKeyingMaterial(profile, block);

        keys.ClientMasterKey.ToArray().Should().Equal(block[..16]);
        keys.ServerMasterKey.ToArray().Should().Equal(block[16..32]);
        keys.ClientMasterSalt.ToArray().Should().Equal(block[32..(32 + saltLength)]);
        keys.ServerMasterSalt.ToArray().Should().Equal(block[(32 + saltLength)..]);
        keys.GetLocalMasterKey(DtlsRole.Server).ToArray().Should().Equal(block[16..32]);
        keys.GetRemoteMasterSalt(DtlsRole.Server).ToArray().Should().Equal(block[32..(32 + saltLength)]);
        keys.GetLocalMasterSalt(DtlsRole.Client).ToArray().Should().Equal(keys.ClientMasterSalt.ToArray());
        keys.GetRemoteMasterKey(DtlsRole.Client).ToArray().Should().Equal(keys.ServerMasterKey.ToArray());
    }

    [Test]
    public void A_block_of_the_wrong_length_is_a_programming_error()
    {
        FluentActions.Invoking(() => new DtlsSrtpKeyingMaterial(DtlsSrtpProfile.AeadAes128Gcm, new byte[60]))
            .Should().Throw<ArgumentException>();
    }
}

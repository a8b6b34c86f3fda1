using System.Security.Cryptography;
using Meet.Modules.Media.Protocols.Srtp.Crypto;

namespace Meet.Tests.Media.Protocols.Srtp.Crypto;

public class AeadCipherTests
{
    private static readonly string[] Paths = [nameof(SrtpCipherPath.OpenSsl), nameof(SrtpCipherPath.Portable)];

    [TestCaseSource(nameof(Paths))]
    public void Split_associated_data_equals_the_joined_associated_data_of_dotnet_aesgcm(string pathName)
    {
        var path = Enum.Parse<SrtpCipherPath>(pathName);
        var key = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();
        var nonce = Enumerable.Range(0, 12).Select(i => (byte)(i + 40)).ToArray();
        byte[] aad1 = [1, 2, 3, 4, 5, 6, 7, 8];
        byte[] aad2 = [9, 10, 11, 12];
        var plain = Enumerable.Range(0, 77).Select(i => (byte)(i * 5)).ToArray();
        var expected = new byte[plain.Length];
        var expectedTag = new byte[16];
        using (var reference = new AesGcm(key, 16))
        {
            reference.Encrypt(nonce, plain, expected, expectedTag, aad1.Concat(aad2).ToArray());
        }

        using var cipher = AeadCipher.Create(key, path);
        var data = (byte[])plain.Clone();
        var tag = new byte[16];
        cipher.Encrypt(nonce, aad1, aad2, data, tag);

        data.Should().Equal(expected);
        tag.Should().Equal(expectedTag);
        cipher.Decrypt(nonce, aad1, aad2, data, tag).Should().BeTrue();
        data.Should().Equal(plain);
    }

    [TestCaseSource(nameof(Paths))]
    public void A_flipped_tag_bit_fails_decryption(string pathName)
    {
        var path = Enum.Parse<SrtpCipherPath>(pathName);
        using var cipher = AeadCipher.Create(new byte[16], path);
        var nonce = new byte[12];
        var data = new byte[40];
        var tag = new byte[16];
        cipher.Encrypt(nonce, [1, 2], default, data, tag);
        tag[15] ^= 1;

        cipher.Decrypt(nonce, [1, 2], default, data, tag).Should().BeFalse();
    }
}

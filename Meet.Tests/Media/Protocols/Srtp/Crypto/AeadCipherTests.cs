using System.Security.Cryptography;
using Meet.Modules.Media.Protocols.Srtp.Crypto;

namespace Meet.Tests.Media.Protocols.Srtp.Crypto;

public class AeadCipherTests
{
    private static readonly string[] Paths = [nameof(SrtpCipherPath.OpenSsl), nameof(SrtpCipherPath.AesNi), nameof(SrtpCipherPath.Vaes), nameof(SrtpCipherPath.Portable)];

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
    public void Every_payload_and_aad_length_matches_dotnet_aesgcm(string pathName)
    {
        var path = Enum.Parse<SrtpCipherPath>(pathName);
        var key = Enumerable.Range(0, 16).Select(i => (byte)(i * 9)).ToArray();
        using var reference = new AesGcm(key, 16);
        using var cipher = AeadCipher.Create(key, path);
        var random = new Random(3);
        foreach (int aadLength in new[] { 0, 1, 12, 16, 20, 64, 65, 100 })
        {
            for (int length = 0; length <= 300; length += length < 70 ? 1 : 23)
                AssertMatchesAesGcm(reference, cipher, random, aadLength, length);
        }
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

    // Issue 14: the 512-bit GHASH folds 256-byte groups; every group count and tail up to a full MTU
    // must give AesGcm's ciphertext and tag, and the wide path must really be taken where the CPU has it.
    [Test]
    public void Wide_ghash_matches_dotnet_aesgcm_for_every_length_up_to_an_mtu()
    {
        var key = Enumerable.Range(0, 16).Select(i => (byte)(i * 7 + 1)).ToArray();
        using var reference = new AesGcm(key, 16);
        using var cipher = new AesNiGcm(key, wide: true);
        cipher.IsWide.Should().Be(AesNiGcm.IsWideSupported);
        if (System.Runtime.Intrinsics.X86.Avx512BW.IsSupported && System.Runtime.Intrinsics.X86.Pclmulqdq.V512.IsSupported)
            cipher.IsWide.Should().BeTrue("this CPU has VPCLMULQDQ at 512 bits");
        var random = new Random(14);
        for (var length = 240; length <= 1500; length += length < 530 ? 1 : 37)
            AssertMatchesAesGcm(reference, cipher, random, 12 + length % 5, length);
    }

    // Random nonce, associated data (split in two parts) and payload: ciphertext and tag equal AesGcm's
    // and decryption restores the payload.
    private static void AssertMatchesAesGcm(AesGcm reference, AeadCipher cipher, Random random, int aadLength, int length)
    {
        var nonce = new byte[12];
        var aad = new byte[aadLength];
        var plain = new byte[length];
        random.NextBytes(nonce);
        random.NextBytes(aad);
        random.NextBytes(plain);
        var expected = new byte[length];
        var expectedTag = new byte[16];
        reference.Encrypt(nonce, plain, expected, expectedTag, aad);

        var data = (byte[])plain.Clone();
        var tag = new byte[16];
        int split = aadLength / 3;
        cipher.Encrypt(nonce, aad.AsSpan(0, split), aad.AsSpan(split), data, tag);

        data.Should().Equal(expected, $"aad {aadLength}, length {length}");
        tag.Should().Equal(expectedTag, $"aad {aadLength}, length {length}");
        cipher.Decrypt(nonce, aad.AsSpan(0, split), aad.AsSpan(split), data, tag).Should().BeTrue();
        data.Should().Equal(plain);
    }

    [Test]
    public void Aesni_gcm_leaves_a_forged_packet_undecrypted()
    {
        using var cipher = AeadCipher.Create(new byte[16], SrtpCipherPath.AesNi);
        var nonce = new byte[12];
        var data = new byte[40];
        var tag = new byte[16];
        cipher.Encrypt(nonce, default, default, data, tag);
        var ciphertext = (byte[])data.Clone();
        tag[0] ^= 1;

        cipher.Decrypt(nonce, default, default, data, tag).Should().BeFalse();

        data.Should().Equal(ciphertext);
    }
}

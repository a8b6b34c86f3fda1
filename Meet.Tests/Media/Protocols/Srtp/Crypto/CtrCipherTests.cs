using Meet.Modules.Media.Protocols.Srtp.Crypto;

namespace Meet.Tests.Media.Protocols.Srtp.Crypto;

public class CtrCipherTests
{
    private static readonly string[] Paths = [nameof(SrtpCipherPath.AesNi), nameof(SrtpCipherPath.OpenSsl), nameof(SrtpCipherPath.Portable)];

    // RFC 3711 Appendix B.2: the keystream segment of 65282 blocks from the "already shifted" salt.
    [TestCaseSource(nameof(Paths))]
    public void Rfc3711_B2_keystream_matches_at_both_ends_of_the_segment(string pathName)
    {
        var path = Enum.Parse<SrtpCipherPath>(pathName);
        using var cipher = CtrCipher.Create(Convert.FromHexString("2B7E151628AED2A6ABF7158809CF4F3C"), path);
        var keystream = new byte[1044512];

        cipher.Transform(Convert.FromHexString("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"), keystream);

        Convert.ToHexString(keystream, 0, 48).Should().Be(
            "E03EAD0935C95E80E166B16DD92B4EB4D23513162B02D0F72A43A2FE4A5F97AB41E95B3BB0A2E8DD477901E4FCA894C0");
        Convert.ToHexString(keystream, keystream.Length - 48, 48).Should().Be(
            "EC8CDF7398607CB0F2D21675EA9EA1E4362B7C3C6773516318A077D7FC5073AE6A2CC3787889374FBEB4C81B17BA6C44");
    }

    [TestCaseSource(nameof(Paths))]
    public void Every_path_produces_the_same_keystream_for_odd_lengths(string pathName)
    {
        var path = Enum.Parse<SrtpCipherPath>(pathName);
        var key = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();
        var iv = Convert.FromHexString("00112233445566778899AABBCCDD0000");
        using var reference = CtrCipher.Create(key, SrtpCipherPath.Portable);
        using var cipher = CtrCipher.Create(key, path);
        foreach (int length in new[] { 0, 1, 15, 16, 17, 127, 128, 129, 200, 1200, 1213 })
        {
            var expected = new byte[length];
            var actual = new byte[length];
            reference.Transform(iv, expected);

            cipher.Transform(iv, actual);

            actual.Should().Equal(expected, $"length {length}");
        }
    }

    [TestCaseSource(nameof(Paths))]
    public void Transforming_twice_restores_the_plaintext(string pathName)
    {
        var path = Enum.Parse<SrtpCipherPath>(pathName);
        using var cipher = CtrCipher.Create(new byte[16], path);
        var iv = new byte[16];
        var plain = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        var data = (byte[])plain.Clone();

        cipher.Transform(iv, data);
        data.Should().NotEqual(plain);
        cipher.Transform(iv, data);

        data.Should().Equal(plain);
    }
}

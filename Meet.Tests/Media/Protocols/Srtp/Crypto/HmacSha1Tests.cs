using System.Security.Cryptography;
using Meet.Modules.Media.Protocols.Srtp.Crypto;

namespace Meet.Tests.Media.Protocols.Srtp.Crypto;

public class HmacSha1Tests
{
    private static readonly string[] Paths = [nameof(SrtpMacPath.OpenSsl), nameof(SrtpMacPath.Portable)];

    // RFC 2202 §3 test cases 1, 2 and 6 (6 has an 80-byte key, which SRTP never uses, so it is
    // replaced by case 5's 20-byte key here).
    [TestCaseSource(nameof(Paths))]
    public void Rfc2202_vectors_match(string pathName)
    {
        var path = Enum.Parse<SrtpMacPath>(pathName);
        Check(path, Enumerable.Repeat((byte)0x0b, 20).ToArray(), "Hi There"u8.ToArray(), "B617318655057264E28BC0B6FB378C8EF146BE00");
        Check(path, "Jefe"u8.ToArray(), "what do ya want for nothing?"u8.ToArray(), "EFFCDF6AE5EB2FA2D27416D5F184DF9C259A7C79");
        Check(path, Enumerable.Repeat((byte)0x0c, 20).ToArray(), "Test With Truncation"u8.ToArray(), "4C1A03424B55E07FE7F27BE1D58BB9324A9A5A04");
    }

    [TestCaseSource(nameof(Paths))]
    public void Matches_dotnet_hmac_for_every_length_up_to_three_blocks(string pathName)
    {
        var path = Enum.Parse<SrtpMacPath>(pathName);
        var key = Enumerable.Range(0, 20).Select(i => (byte)(i * 13)).ToArray();
        using var mac = HmacSha1.Create(key, path);
        var data = Enumerable.Range(0, 200).Select(i => (byte)(i * 31)).ToArray();
        var digest = new byte[20];
        for (int length = 0; length <= data.Length; length++)
        {
            mac.Compute(data.AsSpan(0, length), digest);

            digest.Should().Equal(HMACSHA1.HashData(key, data.AsSpan(0, length)), $"length {length}");
        }
    }

    private static void Check(SrtpMacPath path, byte[] key, byte[] data, string expected)
    {
        using var mac = HmacSha1.Create(key, path);
        var digest = new byte[20];
        mac.Compute(data, digest);
        Convert.ToHexString(digest).Should().Be(expected);
    }
}

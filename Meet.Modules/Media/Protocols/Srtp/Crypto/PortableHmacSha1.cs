using System.Security.Cryptography;

namespace Meet.Modules.Media.Protocols.Srtp.Crypto;

// One reused IncrementalHash: no allocation per call, but ~200 ns of managed plumbing on top of SHA-1.
internal sealed class PortableHmacSha1 : HmacSha1
{
    private readonly IncrementalHash _hmac;

    public PortableHmacSha1(ReadOnlySpan<byte> key)
    {
        _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, key);
    }

    public override void Compute(ReadOnlySpan<byte> data, Span<byte> digest)
    {
        _hmac.AppendData(data);
        _hmac.GetHashAndReset(digest);
    }

    public override void Dispose() => _hmac.Dispose();
}

using System.Security.Cryptography;

namespace Meet.Modules.Media.Protocols.Stun;

// RFC 8489 §9.2.2: key = MD5(username ":" realm ":" password). The caller passes the
// username and password already processed with OpaqueString/SASLprep; ICE itself only uses
// short-term credentials, this exists for TURN-style peers and the RFC 5769 §2.4 vector.
public static class StunLongTermCredential
{
    public const int KeySize = 16;

    public static void ComputeKey(ReadOnlySpan<byte> username, ReadOnlySpan<byte> realm, ReadOnlySpan<byte> password,
        Span<byte> key)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        md5.AppendData(username);
        md5.AppendData(":"u8);
        md5.AppendData(realm);
        md5.AppendData(":"u8);
        md5.AppendData(password);
        md5.GetHashAndReset(key);
    }
}

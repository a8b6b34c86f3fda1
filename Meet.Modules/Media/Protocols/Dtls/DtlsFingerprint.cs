using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Meet.Modules.Media.Protocols.Dtls;

// A certificate fingerprint as carried by a=fingerprint (RFC 8122 §5): a hash function name from the
// "Hash Function Textual Names" registry and the digest of the DER certificate as colon-separated
// upper-case hex pairs, e.g. "sha-256 AB:CD:…".
public sealed class DtlsFingerprint : IEquatable<DtlsFingerprint>
{
    private const int MaxDigestLength = 64;

    private readonly byte[] _digest;

    private DtlsFingerprint(string algorithm, byte[] digest)
    {
        Algorithm = algorithm;
        _digest = digest;
    }

    // Lower-case as RFC 8122 §5 registers the names; comparison is case-insensitive on input.
    public string Algorithm { get; }

    public ReadOnlySpan<byte> Digest => _digest;

    public static DtlsFingerprint Compute(string algorithm, ReadOnlySpan<byte> derCertificate)
    {
        string name = NormaliseAlgorithm(algorithm) ?? throw new ArgumentException($"Unsupported fingerprint hash '{algorithm}'.", nameof(algorithm));
        return new DtlsFingerprint(name, Hash(name, derCertificate));
    }

    // Parses the a=fingerprint value "<hash-func> <hex:hex:…>".
    public static bool TryParse(ReadOnlySpan<char> value, [NotNullWhen(true)] out DtlsFingerprint? fingerprint)
    {
        fingerprint = null;
        value = value.Trim();
        int space = value.IndexOf(' ');
        return space > 0 && TryParse(value[..space], value[(space + 1)..].TrimStart(), out fingerprint);
    }

    public static bool TryParse(ReadOnlySpan<char> algorithm, ReadOnlySpan<char> hex, [NotNullWhen(true)] out DtlsFingerprint? fingerprint)
    {
        fingerprint = null;
        string? name = NormaliseAlgorithm(algorithm);
        if (name is null)
        {
            return false;
        }

        int expected = DigestLength(name);
        // Each byte is two hex digits and all but the last are followed by a colon.
        if (hex.Length != expected * 3 - 1)
        {
            return false;
        }

        Span<byte> digest = stackalloc byte[MaxDigestLength];
        for (int i = 0; i < expected; i++)
        {
            int at = i * 3;
            if (i > 0 && hex[at - 1] != ':')
            {
                return false;
            }

            int high = HexValue(hex[at]);
            int low = HexValue(hex[at + 1]);
            if (high < 0 || low < 0)
            {
                return false;
            }

            digest[i] = (byte)((high << 4) | low);
        }

        fingerprint = new DtlsFingerprint(name, digest[..expected].ToArray());
        return true;
    }

    public bool Matches(ReadOnlySpan<byte> derCertificate)
    {
        Span<byte> actual = stackalloc byte[MaxDigestLength];
        int length = Hash(Algorithm, derCertificate, actual);
        return CryptographicOperations.FixedTimeEquals(actual[..length], _digest);
    }

    // The hex part of the a=fingerprint value, upper case as browsers print it.
    public string FormatDigest() => string.Create(_digest.Length * 3 - 1, _digest, static (chars, digest) =>
    {
        for (int i = 0; i < digest.Length; i++)
        {
            if (i > 0)
            {
                chars[i * 3 - 1] = ':';
            }

            digest[i].TryFormat(chars.Slice(i * 3, 2), out _, "X2");
        }
    });

    // "sha-256 AB:CD:…" — exactly the a=fingerprint attribute value.
    public override string ToString() => Algorithm + " " + FormatDigest();

    public bool Equals(DtlsFingerprint? other) =>
        other is not null && Algorithm == other.Algorithm && _digest.AsSpan().SequenceEqual(other._digest);

    public override bool Equals(object? obj) => Equals(obj as DtlsFingerprint);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Algorithm);
        hash.AddBytes(_digest);
        return hash.ToHashCode();
    }

    private static string? NormaliseAlgorithm(ReadOnlySpan<char> algorithm)
    {
        // SHA-224 has no .NET implementation and no browser uses it; MD5/MD2 are deprecated by RFC 8122.
        if (algorithm.Equals("sha-256", StringComparison.OrdinalIgnoreCase))
        {
            return "sha-256";
        }

        if (algorithm.Equals("sha-1", StringComparison.OrdinalIgnoreCase))
        {
            return "sha-1";
        }

        if (algorithm.Equals("sha-384", StringComparison.OrdinalIgnoreCase))
        {
            return "sha-384";
        }

        if (algorithm.Equals("sha-512", StringComparison.OrdinalIgnoreCase))
        {
            return "sha-512";
        }

        return null;
    }

    private static int DigestLength(string algorithm) => algorithm switch
    {
        "sha-1" => 20,
        "sha-256" => 32,
        "sha-384" => 48,
        _ => 64,
    };

    private static byte[] Hash(string algorithm, ReadOnlySpan<byte> data)
    {
        Span<byte> buffer = stackalloc byte[MaxDigestLength];
        return buffer[..Hash(algorithm, data, buffer)].ToArray();
    }

    private static int Hash(string algorithm, ReadOnlySpan<byte> data, Span<byte> destination) => algorithm switch
    {
        "sha-1" => SHA1.HashData(data, destination),
        "sha-256" => SHA256.HashData(data, destination),
        "sha-384" => SHA384.HashData(data, destination),
        _ => SHA512.HashData(data, destination),
    };

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'F' => c - 'A' + 10,
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => -1,
    };
}

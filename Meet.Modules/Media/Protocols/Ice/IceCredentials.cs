using System.Security.Cryptography;
using System.Text;

namespace Meet.Modules.Media.Protocols.Ice;

// One side's ice-ufrag / ice-pwd (RFC 8839 §5.4). The password's UTF-8 bytes are the STUN
// short-term key (RFC 8489 §9.1.1), kept ready so the packet path never encodes strings.
public sealed class IceCredentials
{
    // RFC 8445 §5.3: ufrag ≥ 24 bits and password ≥ 128 bits of randomness; an ice-char carries
    // 6 bits, so the minima are 4 and 22 characters. We use 8 (the ufrag is the server's demux
    // key, so fewer collisions matter) and 24.
    public const int GeneratedUfragLength = 8;
    public const int GeneratedPasswordLength = 24;
    public const int MinUfragLength = 4;
    public const int MinPasswordLength = 22;
    public const int MaxLength = 256;

    // ice-char = ALPHA / DIGIT / "+" / "/" (RFC 8839 §5.4)
    private const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private readonly byte[] _ufragBytes;
    private readonly byte[] _passwordBytes;

    public IceCredentials(string ufrag, string password)
    {
        if (!IsValid(ufrag, MinUfragLength))
            throw new ArgumentException("ice-ufrag must be 4..256 ice-chars.", nameof(ufrag));
        if (!IsValid(password, MinPasswordLength))
            throw new ArgumentException("ice-pwd must be 22..256 ice-chars.", nameof(password));
        Ufrag = ufrag;
        Password = password;
        _ufragBytes = Encoding.ASCII.GetBytes(ufrag);
        _passwordBytes = Encoding.ASCII.GetBytes(password);
    }

    public string Ufrag { get; }

    public string Password { get; }

    internal ReadOnlySpan<byte> UfragBytes => _ufragBytes;

    internal ReadOnlySpan<byte> Key => _passwordBytes;

    public static IceCredentials Generate() =>
        new(RandomIceChars(GeneratedUfragLength), RandomIceChars(GeneratedPasswordLength));

    public static bool IsValidUfrag(string? value) => IsValid(value, MinUfragLength);

    public static bool IsValidPassword(string? value) => IsValid(value, MinPasswordLength);

    // RFC 8445 §7.2.2: USERNAME is "<receiver's ufrag>:<sender's ufrag>"; the server demultiplexes
    // an incoming check to its transport by the part before the colon.
    public static bool TrySplitUsername(ReadOnlySpan<byte> username, out ReadOnlySpan<byte> receiverUfrag,
        out ReadOnlySpan<byte> senderUfrag)
    {
        var colon = username.IndexOf((byte)':');
        receiverUfrag = colon > 0 ? username[..colon] : default;
        senderUfrag = colon > 0 ? username[(colon + 1)..] : default;
        return colon > 0;
    }

    private static string RandomIceChars(int length) => new(RandomNumberGenerator.GetItems<char>(IceChars, length));

    private static bool IsValid(string? value, int minLength) =>
        value is not null && value.Length >= minLength && value.Length <= MaxLength && value.All(IceChars.Contains);
}

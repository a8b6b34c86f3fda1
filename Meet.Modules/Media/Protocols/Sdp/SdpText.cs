using System.Globalization;

namespace Meet.Modules.Media.Protocols.Sdp;

// Token helpers shared by the attribute grammars. SDP fields are separated by exactly one space
// (RFC 8866 §9), but every parser here tolerates runs of spaces: being lenient costs nothing and
// the writer normalises.
internal static class SdpText
{
    public static string[] Tokens(string value) => value.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public static bool TryInt(string text, int min, int max, out int result) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out result) && result >= min && result <= max;

    public static bool TryLong(string text, out long result) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out result);

    public static bool TryULong(string text, out ulong result) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out result);

    public static bool TryUInt(string text, out uint result) =>
        uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out result);

    public static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Format(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    // RFC 8866 §9 "token": visible characters except a few separators; we only need "no whitespace".
    public static bool IsToken(string text) => text.Length > 0 && !text.AsSpan().ContainsAny(" \t\r\n");

    // Splits "a:b" at the first colon; value is null when there is no colon.
    public static (string Name, string? Value) SplitAttribute(string text)
    {
        int colon = text.IndexOf(':');
        return colon < 0 ? (text, null) : (text[..colon], text[(colon + 1)..]);
    }

    // Splits at the first space: "96 VP8/90000" -> ("96", "VP8/90000"); rest is "" when there is none.
    public static (string Head, string Tail) SplitFirst(string text)
    {
        text = text.TrimStart(' ');
        int space = text.IndexOf(' ');
        return space < 0 ? (text, string.Empty) : (text[..space], text[(space + 1)..].TrimStart(' '));
    }
}

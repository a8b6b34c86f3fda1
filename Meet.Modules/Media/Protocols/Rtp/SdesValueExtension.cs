namespace Meet.Modules.Media.Protocols.Rtp;

// mid (RFC 9143 §15), rid and repaired-rid (RFC 8852 §3): the value is the SDES item's text
// verbatim, 1..255 bytes of ASCII, no terminator. The SFU compares bytes and never allocates a string.
public static class SdesValueExtension
{
    public const int MaxLength = 255;

    public static bool TryRead(ReadOnlySpan<byte> value, out ReadOnlySpan<byte> text)
    {
        text = default;
        if (value.IsEmpty || value.Length > MaxLength)
            return false;
        // Some senders pad the element with NULs; the text ends at the first.
        var end = value.IndexOf((byte)0);
        text = end < 0 ? value : value[..end];
        return !text.IsEmpty;
    }

    public static int GetSerializedSize(ReadOnlySpan<byte> text) => text.Length;

    public static bool TryWrite(ReadOnlySpan<byte> text, Span<byte> destination, out int written)
    {
        written = 0;
        if (text.IsEmpty || text.Length > MaxLength || destination.Length < text.Length)
            return false;
        text.CopyTo(destination);
        written = text.Length;
        return true;
    }
}

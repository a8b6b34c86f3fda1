using System.Buffers;
using System.Text;

namespace Meet.Modules.Meetings.Internal;

internal static class TextRules
{
    // Length counts characters (code points) like PostgreSQL's VARCHAR(n). Control characters and
    // unpaired surrogates are refused: NUL is not storable in PostgreSQL text and lone surrogates
    // cannot be encoded as UTF-8, so either would otherwise fail deep in the database driver.
    public static string? Check(string value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
            return "must not be empty";
        var span = value.AsSpan();
        var count = 0;
        while (!span.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(span, out var rune, out var consumed) != OperationStatus.Done)
                return "must be valid Unicode text";
            if (Rune.IsControl(rune))
                return "must not contain control characters";
            if (++count > maxLength)
                return $"must be at most {maxLength} characters";
            span = span[consumed..];
        }
        return null;
    }
}

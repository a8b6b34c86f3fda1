using System.Security.Cryptography;

namespace Meet.Modules.Meetings.Internal;

// Ids look like mtg-qwerty-9012-zxc (the seed's example): easy to read out and type. Letters skip
// i, l and o, which are confused with 1 and 0. 23^9 * 10^4 ≈ 1.8e16 ids: guessing one is
// impractical, and a rare collision is retried by the caller.
internal static class MeetingIdGenerator
{
    private const string Letters = "abcdefghjkmnpqrstuvwxyz";
    private const string Digits = "0123456789";
    public const int Length = 19;

    public static string Next()
    {
        Span<char> id = stackalloc char[Length];
        "mtg-".CopyTo(id);
        RandomNumberGenerator.GetItems(Letters, id.Slice(4, 6));
        id[10] = '-';
        RandomNumberGenerator.GetItems(Digits, id.Slice(11, 4));
        id[15] = '-';
        RandomNumberGenerator.GetItems(Letters, id.Slice(16, 3));
        return new string(id);
    }

    public static bool IsWellFormed(ReadOnlySpan<char> id)
    {
        if (id.Length != Length || !id.StartsWith("mtg-") || id[10] != '-' || id[15] != '-')
            return false;
        return !id.Slice(4, 6).ContainsAnyExcept(Letters)
            && !id.Slice(11, 4).ContainsAnyExcept(Digits)
            && !id.Slice(16, 3).ContainsAnyExcept(Letters);
    }
}

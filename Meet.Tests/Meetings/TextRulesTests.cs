using FsCheck;
using System.Text;
using FsCheck.Fluent;
using Meet.Modules.Meetings.Internal;

namespace Meet.Tests.Meetings;

public sealed class TextRulesTests
{
    [TestCase("Weekly Architecture Review", 256, null)]
    [TestCase("", 10, "must not be empty")]
    [TestCase("  \t ", 10, "must not be empty")]
    [TestCase("abc", 2, "must be at most 2 characters")]
    [TestCase("a\u0000b", 10, "must not contain control characters")]
    [TestCase("a\nb", 10, "must not contain control characters")]
    [TestCase("😀😀", 2, null)]
    [TestCase("😀😀😀", 2, "must be at most 2 characters")]
    public void Text_is_checked_for_emptiness_length_in_characters_and_storability(string text, int maxLength, string? expected)
    {
        TextRules.Check(text, maxLength).Should().Be(expected);
    }

    [Test]
    public void Unpaired_surrogate_is_refused()
    {
        // Built in code: attribute strings cannot carry a lone surrogate through metadata.
        var text = "a" + (char)0xD800 + "b";

        TextRules.Check(text, 10).Should().Be("must be valid Unicode text");
    }

    [Test]
    public void Accepted_random_text_is_never_longer_than_the_limit_nor_contains_control_characters() =>
        Check.QuickThrowOnFailure(Prop.ForAll<string>(text =>
            text is null || TextRules.Check(text, 8) is not null ||
            (text.EnumerateRunes().Count() <= 8 && !text.EnumerateRunes().Any(Rune.IsControl))));
}

using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Meetings.Internal;

namespace Meet.Tests.Meetings;

public sealed class MeetingIdGeneratorTests
{
    [Test]
    public void Generated_ids_have_the_seed_shape_and_are_well_formed()
    {
        for (var i = 0; i < 1000; i++)
        {
            var id = MeetingIdGenerator.Next();
            id.Should().MatchRegex("^mtg-[a-hj-km-np-z]{6}-[0-9]{4}-[a-hj-km-np-z]{3}$");
            MeetingIdGenerator.IsWellFormed(id).Should().BeTrue();
        }
    }

    [Test]
    public void Hundred_thousand_ids_do_not_collide()
    {
        var ids = new HashSet<string>();

        for (var i = 0; i < 100_000; i++)
            ids.Add(MeetingIdGenerator.Next());

        ids.Should().HaveCount(100_000);
    }

    [TestCase("mtg-qwerty-9012-zxc", true)]
    [TestCase("mtg-qwerty-9012-zxo", false)]
    [TestCase("mtg-QWERTY-9012-zxc", false)]
    [TestCase("mtg-qwerty-90a2-zxc", false)]
    [TestCase("mtg-qwerty-9012-zxcc", false)]
    [TestCase("xtg-qwerty-9012-zxc", false)]
    [TestCase("mtg-qwerty+9012-zxc", false)]
    [TestCase("", false)]
    public void Well_formedness_follows_the_id_shape(string id, bool expected)
    {
        MeetingIdGenerator.IsWellFormed(id).Should().Be(expected);
    }

    [Test]
    public void Random_strings_are_checked_without_throwing_and_only_the_id_length_can_pass() =>
        Check.QuickThrowOnFailure(Prop.ForAll<string>(text =>
            !MeetingIdGenerator.IsWellFormed(text ?? "") || text!.Length == MeetingIdGenerator.Length));
}

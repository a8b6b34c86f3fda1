using Meet.Modules.Media.Routing;

namespace Meet.Tests.Media.Routing;

// Last-N video order and the top-3 audible set of one meeting (issue 10).
[TestFixture]
public sealed class ConferenceSelectorTests
{
    private static (string, bool, bool)[] Publishers(params string[] ids) => ids.Select(id => (id, true, true)).ToArray();

    private static ConferenceSelection Speak(ConferenceSelector selector, (string, bool, bool)[] publishers, string? speaker, int ticks)
    {
        for (var i = 0; i < ticks; i++)
        {
            var activity = new Dictionary<string, double>(StringComparer.Ordinal);
            if (speaker is not null)
                activity[speaker] = 1;
            selector.Tick(publishers, activity, out _);
        }
        return selector.Current;
    }

    [Test]
    public void Each_subscriber_gets_the_speaker_and_the_most_recent_speakers_up_to_last_n()
    {
        var selector = new ConferenceSelector(lastN: 2);
        var publishers = Publishers("a", "b", "c", "d");
        Speak(selector, publishers, "c", 10);
        Speak(selector, publishers, "d", 10);
        var selection = Speak(selector, publishers, null, 5);

        selection.DominantSpeaker.Should().Be("d");
        selection.RecentSpeakers.Should().Equal("d", "c");
        selection.VideoOrder.Should().Equal("d", "c", "a", "b");
        new[] { "a", "b", "c", "d" }.Where(p => selection.ForwardsVideo("a", p)).Should().Equal("c", "d");
        new[] { "a", "b", "c", "d" }.Where(p => selection.ForwardsVideo("d", p)).Should().Equal(["a", "c"], "never itself, so the next in order fills in");
    }

    [Test]
    public void The_audible_set_holds_three_and_a_new_speaker_replaces_a_quiet_member()
    {
        var selector = new ConferenceSelector(lastN: 12);
        var publishers = Publishers("a", "b", "c", "d", "e");
        var selection = Speak(selector, publishers, null, 1);
        selection.Audible.Should().HaveCount(3);
        selection.Audible.Should().NotContain("e");

        selection = Speak(selector, publishers, "e", 5);
        selection.Audible.Should().Contain("e").And.HaveCount(3);
    }

    [Test]
    public void A_member_who_is_speaking_is_never_dropped_for_a_newcomer()
    {
        var selector = new ConferenceSelector(lastN: 12);
        var publishers = Publishers("a", "b", "c", "d");
        for (var i = 0; i < 20; i++)
        {
            // a, b and c all keep talking; d starts too.
            selector.Tick(publishers, new Dictionary<string, double> { ["a"] = 1, ["b"] = 1, ["c"] = 1, ["d"] = i > 5 ? 1 : 0 }, out _);
        }
        selector.Current.Audible.Should().BeEquivalentTo(["a", "b", "c"]);
    }

    [Test]
    public void Publishers_who_leave_or_stop_their_camera_drop_out_of_the_selection()
    {
        var selector = new ConferenceSelector(lastN: 12);
        var publishers = Publishers("a", "b", "c");
        Speak(selector, publishers, "b", 10);
        var selection = Speak(selector, [("a", true, true), ("c", false, true)], null, 1);
        selection.DominantSpeaker.Should().BeNull();
        selection.VideoOrder.Should().Equal("a");
        selection.Audible.Should().BeEquivalentTo(["a", "c"]);
    }

    [Test]
    public void Churn_never_lets_a_subscriber_get_more_than_last_n_videos_or_three_audios([Range(1, 20)] int seed)
    {
        var random = new Random(seed);
        var selector = new ConferenceSelector(lastN: 3);
        var present = new List<string>();
        for (var tick = 0; tick < 300; tick++)
        {
            if (random.Next(10) == 0)
                present.Add("p" + tick);
            if (present.Count > 0 && random.Next(15) == 0)
                present.RemoveAt(random.Next(present.Count));
            var publishers = present.Select(id => (id, random.Next(4) > 0, true)).ToArray();
            var activity = present.Where(_ => random.Next(4) == 0).ToDictionary(id => id, _ => 1.0);
            selector.Tick(publishers, activity, out _);
            var selection = selector.Current;
            foreach (var subscriber in present)
            {
                publishers.Count(p => p.Item2 && p.id != subscriber && selection.ForwardsVideo(subscriber, p.id)).Should().BeLessThanOrEqualTo(3, $"seed {seed}");
                present.Count(p => p != subscriber && selection.ForwardsAudio(p)).Should().BeLessThanOrEqualTo(3, $"seed {seed}");
            }
            selection.VideoOrder.Where(id => !present.Contains(id)).Should().BeEmpty($"seed {seed}: nobody who left");
            selection.Audible.Where(id => !present.Contains(id)).Should().BeEmpty($"seed {seed}: nobody who left");
        }
    }
}

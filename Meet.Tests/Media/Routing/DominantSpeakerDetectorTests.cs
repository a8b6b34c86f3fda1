using Meet.Modules.Media.Routing;

namespace Meet.Tests.Media.Routing;

// The dominant speaker on level traces at the 100 ms tick: speech, pauses, silence suppression,
// coughs, back-channel and two people talking at once (issue 10).
[TestFixture]
public sealed class DominantSpeakerDetectorTests
{
    // A trace: one string per speaker, one character per 100 ms tick: '#' voiced, '.' silent/no packets.
    private static List<string?> Run(params (string Speaker, string Trace)[] traces)
    {
        var detector = new DominantSpeakerDetector();
        var length = traces.Max(t => t.Trace.Length);
        var dominant = new List<string?>();
        for (var tick = 0; tick < length; tick++)
        {
            var activity = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (speaker, trace) in traces)
                activity[speaker] = tick < trace.Length && trace[tick] == '#' ? 1.0 : 0.0;
            detector.Tick(activity);
            dominant.Add(detector.Dominant);
        }
        return dominant;
    }

    private static int FirstTickOf(List<string?> dominant, string speaker, int from) =>
        Enumerable.Range(from, dominant.Count - from).First(i => dominant[i] == speaker);

    [Test]
    public void Someone_speaking_alone_becomes_dominant_within_half_a_second()
    {
        var dominant = Run(("a", "##########"));
        FirstTickOf(dominant, "a", 0).Should().BeLessThan(5);
    }

    [Test]
    public void Alternating_talk_spurts_are_followed_within_a_second_and_pauses_do_not_flap()
    {
        // a talks 2 s, 1 s of silence, b talks 2 s, 1 s of silence, c talks 2 s.
        var dominant = Run(
            ("a", "####################"),
            ("b", new string('.', 30) + new string('#', 20)),
            ("c", new string('.', 60) + new string('#', 20)));
        FirstTickOf(dominant, "b", 30).Should().BeLessThan(30 + 10, "b takes over within 1 s of starting");
        FirstTickOf(dominant, "c", 60).Should().BeLessThan(60 + 10);
        dominant.Skip(20).Take(10).Should().AllBe("a", "nobody else speaks during the pause");
        dominant.Skip(50).Take(10).Should().AllBe("b");
    }

    [Test]
    public void A_cough_or_a_short_yes_during_a_pause_does_not_take_the_floor()
    {
        var a = "##########" + "##..##.###" + "..........";
        var b = "..........." + "##" + "......" + "###" + "........";
        var dominant = Run(("a", a), ("b", b));
        dominant.Skip(5).Should().AllBe("a");
    }

    [Test]
    public void A_three_hundred_ms_word_does_not_take_a_quiet_floor_but_360_ms_of_speech_does()
    {
        // Fractional activity as real packets give it: b speaks 300 ms (three full ticks), later 360 ms
        // (three full ticks and 60 % of a fourth), while a has gone quiet.
        var detector = new DominantSpeakerDetector();
        for (var tick = 0; tick < 10; tick++)
            detector.Tick(new Dictionary<string, double> { ["a"] = 1 });
        double[] word = [1, 1, 1], speech = [1, 1, 1, 0.6];
        foreach (var activity in word.Concat(Enumerable.Repeat(0.0, 12)))
            detector.Tick(new Dictionary<string, double> { ["b"] = activity });
        detector.Dominant.Should().Be("a", "a 300 ms word is back-channel");
        foreach (var activity in speech)
            detector.Tick(new Dictionary<string, double> { ["b"] = activity });
        detector.Dominant.Should().Be("b", "360 ms of speech into a quiet floor is a new speaker");
    }

    [Test]
    public void When_two_talk_at_once_the_one_who_held_the_floor_keeps_it()
    {
        var a = new string('#', 60);
        var b = new string('.', 30) + new string('#', 30);
        var dominant = Run(("a", a), ("b", b));
        dominant.Skip(5).Should().AllBe("a");
    }

    [Test]
    public void Silence_suppression_keeps_the_last_speaker_and_a_newcomer_takes_over_after()
    {
        // a speaks, then sends nothing at all (DTX); b starts 3 s later.
        var dominant = Run(("a", new string('#', 10)), ("b", new string('.', 40) + new string('#', 10)));
        dominant.Skip(5).Take(35).Should().AllBe("a");
        dominant.Last().Should().Be("b");
    }

    [Test]
    public void A_speaker_who_leaves_is_forgotten()
    {
        var detector = new DominantSpeakerDetector();
        for (var i = 0; i < 10; i++)
            detector.Tick(new Dictionary<string, double> { ["a"] = 1 });
        detector.Dominant.Should().Be("a");
        detector.Remove("a");
        detector.Dominant.Should().BeNull();
        detector.Speakers.Should().BeEmpty();
    }

    // MediaModule's 50 ms selection tick: a challenger takes a quiet floor after 350 ms of speech
    // (7 entries), not at the next 100 ms boundary after it.
    [Test]
    public void At_the_50_ms_selection_tick_a_challenger_takes_a_quiet_floor_after_350_ms_of_speech()
    {
        var detector = new DominantSpeakerDetector();
        for (var i = 0; i < 20; i++)
            detector.Tick(new Dictionary<string, double> { ["a"] = 1 });
        detector.Dominant.Should().Be("a");
        for (var i = 0; i < 10; i++)
            detector.Tick(new Dictionary<string, double>());

        var ticks = 0;
        while (detector.Dominant != "b" && ticks < 40)
        {
            detector.Tick(new Dictionary<string, double> { ["b"] = 1 }, SpeakerActivity.Resolution);
            ticks++;
        }
        (ticks * SpeakerActivity.Resolution).Should().Be(TimeSpan.FromMilliseconds(350));
    }

    // A tick that ran late (a starved timer) counts for the time it covers: 400 ms of speech reported in
    // one tick is 400 ms in every window, not 100 ms.
    [Test]
    public void A_late_tick_counts_for_the_time_it_covers()
    {
        var late = new DominantSpeakerDetector();
        var onTime = new DominantSpeakerDetector();
        foreach (var detector in new[] { late, onTime })
        {
            for (var i = 0; i < 20; i++)
                detector.Tick(new Dictionary<string, double> { ["a"] = 1 });
            for (var i = 0; i < 10; i++)
                detector.Tick(new Dictionary<string, double>());
        }

        late.Tick(new Dictionary<string, double> { ["b"] = 1 }, TimeSpan.FromMilliseconds(400)).Should().BeTrue();
        late.Dominant.Should().Be("b");
        late.Find("b")!.Medium.Should().BeApproximately(0.4, 1e-9);
        onTime.Tick(new Dictionary<string, double> { ["b"] = 1 }).Should().BeFalse("100 ms of speech is a cough, not a new speaker");
    }

    [Test]
    public void Random_traces_never_switch_faster_than_the_hold_time([Range(1, 20)] int seed)
    {
        var random = new Random(seed);
        var detector = new DominantSpeakerDetector();
        string? last = null;
        var lastSwitch = -100;
        for (var tick = 0; tick < 600; tick++)
        {
            var activity = new Dictionary<string, double>(StringComparer.Ordinal);
            for (var s = 0; s < 5; s++)
                activity["s" + s] = random.NextDouble() < 0.3 ? random.NextDouble() : 0;
            detector.Tick(activity);
            if (detector.Dominant != last)
            {
                // Tick() covers 100 ms, two of the detector's 50 ms entries.
                (tick - lastSwitch).Should().BeGreaterThanOrEqualTo(DominantSpeakerDetector.HoldTicks / 2, $"seed {seed}");
                lastSwitch = tick;
                last = detector.Dominant;
            }
        }
    }
}

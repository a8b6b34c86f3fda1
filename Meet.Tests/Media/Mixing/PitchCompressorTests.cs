using Meet.Modules.Media.Mixing;

namespace Meet.Tests.Media.Mixing;

[TestFixture]
public sealed class PitchCompressorTests
{
    private static float[] Tone(double frequency, int length) =>
        Enumerable.Range(0, length).Select(i => 0.3f * (float)Math.Sin(2 * Math.PI * frequency * i / MixFormat.SampleRate)).ToArray();

    [TestCase(440.0)]
    [TestCase(660.0)]
    [TestCase(880.0)]
    [TestCase(1100.0)]
    [TestCase(150.0)]
    public void A_tone_loses_whole_periods_and_stays_continuous(double frequency)
    {
        var pcm = Tone(frequency, 3 * MixFormat.FrameSamples);
        var removed = PitchCompressor.Compress(pcm, pcm.Length);

        removed.Should().BeInRange(PitchCompressor.MinLag, PitchCompressor.MaxLag);
        var period = MixFormat.SampleRate / frequency;
        var periods = removed / period;
        Math.Abs(periods - Math.Round(periods)).Should().BeLessThan(0.02, "the cut is a whole number of periods, so the phase carries on");
        var kept = pcm.AsSpan(0, pcm.Length - removed).ToArray();
        var expected = Tone(frequency, kept.Length);
        kept.Zip(expected, (a, b) => Math.Abs(a - b)).Max().Should().BeLessThan(0.02f, "the shortened tone is the same tone, with no step");
    }

    [Test]
    public void Silence_is_cut_by_the_longest_lag()
    {
        var pcm = new float[PitchCompressor.Needed];
        PitchCompressor.Compress(pcm, pcm.Length).Should().Be(PitchCompressor.MaxLag);
    }

    [Test]
    public void Too_little_audio_is_left_alone()
    {
        var pcm = Tone(440, PitchCompressor.Needed - 1);
        var copy = pcm.ToArray();
        PitchCompressor.Compress(pcm, pcm.Length).Should().Be(0);
        pcm.Should().Equal(copy);
    }
}

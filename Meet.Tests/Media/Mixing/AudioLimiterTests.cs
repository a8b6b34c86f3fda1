using Meet.Modules.Media.Mixing;

namespace Meet.Tests.Media.Mixing;

[TestFixture]
public sealed class AudioLimiterTests
{
    private static float[] Tones(float amplitude, params double[] frequencies) =>
        Enumerable.Range(0, MixFormat.SampleRate / 2)
            .Select(i => (float)frequencies.Sum(f => amplitude * Math.Sin(2 * Math.PI * f * i / MixFormat.SampleRate)))
            .ToArray();

    [Test]
    public void Three_loud_speakers_together_never_exceed_the_ceiling()
    {
        var mix = Tones(0.9f, 440, 660, 880);
        Spectrum.Peak(mix).Should().BeGreaterThan(1.5, "the raw sum would clip");
        var limiter = new AudioLimiter();
        for (var frame = 0; frame < mix.Length / MixFormat.FrameSamples; frame++)
            limiter.Process(mix.AsSpan(frame * MixFormat.FrameSamples, MixFormat.FrameSamples));
        Spectrum.Peak(mix).Should().BeLessThanOrEqualTo(AudioLimiter.Ceiling + 1e-6);
        Spectrum.Share(mix, 440).Should().BeGreaterThan(0.15, "limiting turns the mix down, it does not remove a voice");
        Spectrum.Share(mix, 880).Should().BeGreaterThan(0.15);
    }

    [Test]
    public void A_signal_under_the_ceiling_passes_unchanged()
    {
        var signal = Tones(0.3f, 440);
        var copy = signal.ToArray();
        new AudioLimiter().Process(signal);
        signal.Should().Equal(copy);
    }

    [Test]
    public void The_gain_recovers_after_a_loud_passage()
    {
        var limiter = new AudioLimiter();
        limiter.Process(Tones(0.9f, 440, 660, 880));
        limiter.Gain.Should().BeLessThan(0.7f);
        limiter.Process(new float[MixFormat.SampleRate / 2]);
        limiter.Gain.Should().BeGreaterThan(0.99f);
    }
}

using Meet.Modules.Media.Mixing;

namespace Meet.Tests.Media.Mixing;

// Measures what a mix contains: the relative power at one frequency (Goertzel), and the largest jump
// between neighbouring samples (a click).
internal static class Spectrum
{
    // Power at `frequency` relative to the signal's total power, in [0, 1] (about 1 for a pure tone).
    public static double Share(ReadOnlySpan<float> pcm, double frequency)
    {
        var coefficient = 2 * Math.Cos(2 * Math.PI * frequency / MixFormat.SampleRate);
        double s1 = 0, s2 = 0, energy = 0;
        for (var i = 0; i < pcm.Length; i++)
        {
            var s0 = pcm[i] + coefficient * s1 - s2;
            s2 = s1;
            s1 = s0;
            energy += pcm[i] * pcm[i];
        }
        var power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
        return energy <= 1e-12 ? 0 : 2 * power / (pcm.Length * energy);
    }

    // Share of `frequency` measured over 100 ms segments and averaged by energy (Welch's method). A
    // tone whose phase steps somewhere in the window (a frame concealed by the listener for one the
    // server skipped, a jitter buffer growing by a frame) still counts in full: a coherent 1 s Goertzel
    // splits its power across bins at each step (issue 17's "one tone at 0.06" with every tone present).
    // The four test tones make whole cycles in a segment, so they do not leak into each other.
    public static double SegmentedShare(ReadOnlySpan<float> pcm, double frequency, int segment = MixFormat.SampleRate / 10)
    {
        double power = 0, energy = 0;
        for (var start = 0; start + segment <= pcm.Length; start += segment)
        {
            var part = pcm.Slice(start, segment);
            var partEnergy = 0.0;
            foreach (var sample in part)
                partEnergy += sample * sample;
            power += Share(part, frequency) * partEnergy;
            energy += partEnergy;
        }
        return energy <= 1e-12 ? 0 : power / energy;
    }

    public static double MaxJump(ReadOnlySpan<float> pcm)
    {
        var max = 0.0;
        for (var i = 1; i < pcm.Length; i++)
            max = Math.Max(max, Math.Abs(pcm[i] - pcm[i - 1]));
        return max;
    }

    public static double Peak(ReadOnlySpan<float> pcm)
    {
        var max = 0.0;
        foreach (var sample in pcm)
            max = Math.Max(max, Math.Abs(sample));
        return max;
    }
}

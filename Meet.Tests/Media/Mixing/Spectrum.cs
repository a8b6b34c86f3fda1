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

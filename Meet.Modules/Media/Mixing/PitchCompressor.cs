namespace Meet.Modules.Media.Mixing;

// Shortens a speaker's decoded audio by one pitch period, for the jitter buffer's shrink (time-scale
// compression as WSOLA / WebRTC NetEq's "accelerate" do it): find the lag L (10–20 ms) at which the
// signal best repeats itself, cross-fade the first L samples into the next L, and drop L samples.
// A voice or a tone (a period that divides L) comes out continuous in waveform and phase, where
// dropping a whole 20 ms packet would make an audible step. Silence is simply cut by MaxLag.
// Works in place on the caller's buffer; nothing is allocated.
internal static class PitchCompressor
{
    public const int MinLag = MixFormat.FrameSamples / 2;
    public const int MaxLag = MixFormat.FrameSamples;

    // Samples the correlation compares (10 ms) and the coarse search's decimation.
    private const int Window = MixFormat.FrameSamples / 2;
    private const int Coarse = 4;

    // Below this mean power (about -60 dBFS) the segment is silence: any lag will do.
    private const double SilencePower = 1e-6;

    // Samples a compression needs: two periods of the longest lag.
    public const int Needed = 2 * MaxLag;

    // Removes one period from pcm[..length) in place; returns the samples removed (0 when length < Needed).
    public static int Compress(Span<float> pcm, int length)
    {
        if (length < Needed)
            return 0;
        var lag = BestLag(pcm);
        for (var i = 0; i < lag; i++)
        {
            var weight = (float)i / lag;
            pcm[i] = pcm[i] * (1 - weight) + pcm[i + lag] * weight;
        }
        pcm[(2 * lag)..length].CopyTo(pcm[lag..]);
        return lag;
    }

    // The lag in [MinLag, MaxLag] with the highest normalised correlation between the window at 0 and
    // the window at lag: a coarse search on every Coarse-th sample, then refined around its best.
    public static int BestLag(ReadOnlySpan<float> pcm)
    {
        var power = 0.0;
        for (var i = 0; i < Window; i++)
            power += pcm[i] * pcm[i];
        if (power / Window < SilencePower)
            return MaxLag;
        var best = MaxLag;
        var bestScore = double.MinValue;
        for (var lag = MinLag; lag <= MaxLag; lag += Coarse)
        {
            var score = Correlation(pcm, lag, Coarse);
            if (score > bestScore)
                (best, bestScore) = (lag, score);
        }
        var coarse = best;
        bestScore = double.MinValue;
        for (var lag = Math.Max(MinLag, coarse - Coarse + 1); lag <= Math.Min(MaxLag, coarse + Coarse - 1); lag++)
        {
            var score = Correlation(pcm, lag, 1);
            if (score > bestScore)
                (best, bestScore) = (lag, score);
        }
        return best;
    }

    private static double Correlation(ReadOnlySpan<float> pcm, int lag, int step)
    {
        double product = 0, energy = 0;
        for (var i = 0; i < Window; i += step)
        {
            var later = pcm[i + lag];
            product += pcm[i] * later;
            energy += later * later;
        }
        return energy <= 0 ? 0 : product / Math.Sqrt(energy);
    }
}

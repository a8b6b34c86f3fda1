namespace Meet.Modules.Media.Mixing;

// Keeps a mix under Ceiling without clipping: a gain that drops at once to whatever the sample needs
// (no sample ever exceeds the ceiling) and recovers towards 1 with a 50 ms release, so three loud
// speakers are turned down together instead of being squared off. One per output mix: each mix has
// its own peaks.
internal sealed class AudioLimiter
{
    // -1 dBFS: headroom for the Opus encoder's own overshoot.
    public const float Ceiling = 0.89f;

    private static readonly float Release = 1f - MathF.Exp(-1f / (0.050f * MixFormat.SampleRate));

    private float _gain = 1f;

    public float Gain => _gain;

    public void Process(Span<float> samples)
    {
        var gain = _gain;
        for (var i = 0; i < samples.Length; i++)
        {
            gain += (1f - gain) * Release;
            var magnitude = MathF.Abs(samples[i]);
            if (magnitude * gain > Ceiling)
                gain = Ceiling / magnitude;
            samples[i] *= gain;
        }
        _gain = gain;
    }

    public void Reset() => _gain = 1f;
}

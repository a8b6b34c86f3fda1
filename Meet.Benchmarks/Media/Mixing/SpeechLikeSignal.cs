using Meet.Modules.Media.Mixing;

namespace Meet.Benchmarks.Media.Mixing;

// A second of voice-like test audio per speaker: a few harmonics of a pitch with a syllable-rate
// envelope and a little noise, so the encoder works as hard as on speech, not on a pure tone.
internal static class SpeechLikeSignal
{
    public static float[] Create(double pitch, int seed, int frames = 50)
    {
        var random = new Random(seed);
        var pcm = new float[frames * MixFormat.FrameSamples];
        for (var i = 0; i < pcm.Length; i++)
        {
            var t = (double)i / MixFormat.SampleRate;
            var envelope = 0.5 + 0.5 * Math.Sin(2 * Math.PI * 4 * t);
            var voice = Math.Sin(2 * Math.PI * pitch * t) + 0.5 * Math.Sin(4 * Math.PI * pitch * t) + 0.25 * Math.Sin(6 * Math.PI * pitch * t);
            pcm[i] = (float)(0.2 * envelope * voice + 0.01 * (random.NextDouble() - 0.5));
        }
        return pcm;
    }

    public static byte[][] Encode(float[] pcm)
    {
        using var encoder = new OpusEncoder(32000, 5);
        var packets = new byte[pcm.Length / MixFormat.FrameSamples][];
        var buffer = new byte[MixFormat.MaxEncodedBytes];
        for (var i = 0; i < packets.Length; i++)
        {
            var length = encoder.Encode(pcm.AsSpan(i * MixFormat.FrameSamples, MixFormat.FrameSamples), buffer);
            packets[i] = buffer.AsSpan(0, length).ToArray();
        }
        return packets;
    }
}

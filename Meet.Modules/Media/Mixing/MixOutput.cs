namespace Meet.Modules.Media.Mixing;

// One encoded mix per frame: the mix of every speaker (for listeners who are not speaking) or a
// minus-one mix (for one speaker, without their own voice). Each has its own limiter and encoder so
// its stream stays continuous whichever listeners follow it.
internal sealed class MixOutput : IDisposable
{
    private readonly OpusEncoder _encoder;
    private readonly AudioLimiter _limiter = new();
    private readonly byte[] _encoded = new byte[MixFormat.MaxEncodedBytes];
    private int _encodedLength;

    public MixOutput(int bitrate, int complexity) => _encoder = new OpusEncoder(bitrate, complexity);

    public float[] Pcm { get; } = new float[MixFormat.FrameSamples];

    public ReadOnlySpan<byte> Encoded => _encoded.AsSpan(0, _encodedLength);

    // RFC 6464 level of this frame (0 loudest .. 127 silence, -dBov), carried on the mixed stream.
    public byte Level { get; private set; } = 127;

    public bool Voiced => Level <= Routing.Producer.VoicedLevel;

    public long EncodeErrors { get; private set; }

    // Limits Pcm in place and encodes it. False when the encoder failed (counted; nothing is sent).
    public bool LimitAndEncode()
    {
        _limiter.Process(Pcm);
        Level = MeasureLevel(Pcm);
        var written = _encoder.Encode(Pcm, _encoded);
        if (written <= 0)
        {
            EncodeErrors++;
            _encodedLength = 0;
            return false;
        }
        _encodedLength = written;
        return true;
    }

    public static byte MeasureLevel(ReadOnlySpan<float> pcm)
    {
        var energy = 0.0;
        for (var i = 0; i < pcm.Length; i++)
            energy += pcm[i] * pcm[i];
        var rms = Math.Sqrt(energy / Math.Max(1, pcm.Length));
        if (rms <= 1e-7)
            return 127;
        return (byte)Math.Clamp((int)Math.Round(-20 * Math.Log10(rms)), 0, 127);
    }

    public void Dispose() => _encoder.Dispose();
}

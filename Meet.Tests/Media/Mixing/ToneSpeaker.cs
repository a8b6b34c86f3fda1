using Meet.Modules.Media.Mixing;

namespace Meet.Tests.Media.Mixing;

// A test publisher's microphone: a continuous sine at one frequency, encoded to 20 ms Opus packets
// with consecutive sequence numbers (the tones of issue 17's show: 440/660/880 Hz).
internal sealed class ToneSpeaker(double frequency, float amplitude = 0.3f) : IDisposable
{
    private readonly OpusEncoder _encoder = new(32000, 5);
    private readonly float[] _pcm = new float[MixFormat.FrameSamples];
    private readonly byte[] _packet = new byte[MixFormat.MaxEncodedBytes];
    private long _sample;

    public ushort Sequence { get; private set; } = 1000;

    public float Amplitude { get; set; } = amplitude;

    // The next 20 ms packet; its sequence number is `sequence`.
    public byte[] NextPacket(out ushort sequence)
    {
        for (var i = 0; i < _pcm.Length; i++)
            _pcm[i] = Amplitude * (float)Math.Sin(2 * Math.PI * frequency * (_sample + i) / MixFormat.SampleRate);
        _sample += _pcm.Length;
        var length = _encoder.Encode(_pcm, _packet);
        length.Should().BePositive();
        sequence = Sequence++;
        return _packet.AsSpan(0, length).ToArray();
    }

    public void Dispose() => _encoder.Dispose();
}

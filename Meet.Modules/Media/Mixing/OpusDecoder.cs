namespace Meet.Modules.Media.Mixing;

// One speaker's libopus decoder (mono, 48 kHz), reused across speakers: Reset clears its state when a
// new participant takes the mixer's channel.
internal sealed unsafe class OpusDecoder : IDisposable
{
    private readonly OpusDecoderHandle _handle;

    public OpusDecoder()
    {
        _handle = Native.DecoderCreate(MixFormat.SampleRate, 1, out var error);
        if (error != Native.Ok || _handle.IsInvalid)
            throw new InvalidOperationException($"opus_decoder_create failed ({error}).");
    }

    // Samples decoded into pcm, or a negative libopus error (a corrupt packet: counted, concealed).
    public int Decode(ReadOnlySpan<byte> packet, Span<float> pcm)
    {
        fixed (byte* data = packet)
        fixed (float* output = pcm)
            return Native.DecodeFloat(_handle, data, packet.Length, output, Math.Min(pcm.Length, MixFormat.MaxPacketSamples), 0);
    }

    // The frame before `next`, rebuilt from next's in-band FEC; plain concealment when it carries none.
    public int DecodeFec(ReadOnlySpan<byte> next, Span<float> pcm)
    {
        fixed (byte* data = next)
        fixed (float* output = pcm)
            return Native.DecodeFloat(_handle, data, next.Length, output, MixFormat.FrameSamples, 1);
    }

    // Packet loss concealment for one frame.
    public int Conceal(Span<float> pcm)
    {
        fixed (float* output = pcm)
            return Native.DecodeFloat(_handle, null, 0, output, MixFormat.FrameSamples, 0);
    }

    public void Reset() => Native.DecoderCtl(_handle, Native.ResetStateRequest);

    public void Dispose() => _handle.Dispose();
}

namespace Meet.Modules.Media.Mixing;

// One mix's libopus encoder: VoIP application, voice signal, in-band FEC on (listeners on lossy links
// recover a lost frame from the next), mono 48 kHz.
internal sealed unsafe class OpusEncoder : IDisposable
{
    private readonly OpusEncoderHandle _handle;

    public OpusEncoder(int bitrate, int complexity)
    {
        _handle = Native.EncoderCreate(MixFormat.SampleRate, 1, Native.ApplicationVoip, out var error);
        if (error != Native.Ok || _handle.IsInvalid)
            throw new InvalidOperationException($"opus_encoder_create failed ({error}).");
        Native.EncoderCtl(_handle, Native.SetBitrateRequest, bitrate);
        Native.EncoderCtl(_handle, Native.SetComplexityRequest, complexity);
        Native.EncoderCtl(_handle, Native.SetSignalRequest, Native.SignalVoice);
        Native.EncoderCtl(_handle, Native.SetInbandFecRequest, 1);
        Native.EncoderCtl(_handle, Native.SetPacketLossPercRequest, 5);
    }

    // Bytes written to packet, or a negative libopus error.
    public int Encode(ReadOnlySpan<float> frame, Span<byte> packet)
    {
        fixed (float* input = frame)
        fixed (byte* output = packet)
            return Native.EncodeFloat(_handle, input, MixFormat.FrameSamples, output, packet.Length);
    }

    public void Reset() => Native.EncoderCtl(_handle, Native.ResetStateRequest);

    public void Dispose() => _handle.Dispose();
}

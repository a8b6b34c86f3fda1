namespace Meet.Modules.Media.Mixing;

// One mix's libopus encoder: VoIP application, voice signal, in-band FEC on (listeners on lossy links
// recover a lost frame from the next), mono 48 kHz.
//
// Single owner, like OpusDecoder: the thread holding the mixer's frame. An overlapping call returns
// Busy without entering libopus; arguments are checked so libopus never sees one it would reject.
internal sealed unsafe class OpusEncoder : IDisposable
{
    public const int BadArgument = OpusDecoder.BadArgument;
    public const int BufferTooSmall = OpusDecoder.BufferTooSmall;
    public const int Disposed = OpusDecoder.Disposed;
    public const int Busy = OpusDecoder.Busy;

    private readonly OpusEncoderHandle _handle;
    private int _inUse;

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

    // Bytes written to packet, or a negative error. Encodes exactly one 20 ms frame.
    public int Encode(ReadOnlySpan<float> frame, Span<byte> packet)
    {
        if (frame.Length < MixFormat.FrameSamples)
            return BadArgument;
        if (packet.IsEmpty)
            return BufferTooSmall;
        if (_handle.IsClosed)
            return Disposed;
        if (Interlocked.CompareExchange(ref _inUse, 1, 0) != 0)
            return Busy;
        try
        {
            fixed (float* input = frame)
            fixed (byte* output = packet)
                return Native.EncodeFloat(_handle, input, MixFormat.FrameSamples, output, packet.Length);
        }
        catch (ObjectDisposedException)
        {
            return Disposed;
        }
        finally
        {
            Volatile.Write(ref _inUse, 0);
        }
    }

    public void Reset()
    {
        if (_handle.IsClosed || Interlocked.CompareExchange(ref _inUse, 1, 0) != 0)
            return;
        try
        {
            Native.EncoderCtl(_handle, Native.ResetStateRequest);
        }
        catch (ObjectDisposedException)
        {
            // Disposed meanwhile: nothing left to reset.
        }
        finally
        {
            Volatile.Write(ref _inUse, 0);
        }
    }

    public void Dispose() => _handle.Dispose();
}

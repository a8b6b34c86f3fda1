namespace Meet.Modules.Media.Mixing;

// One speaker's libopus decoder (mono, 48 kHz), reused across speakers: Reset clears its state when a
// new participant takes the mixer's channel.
//
// Single owner: libopus state is not thread-safe, and Debian's build aborts the whole process on an
// internal assertion once two threads corrupt it (issue 17 follow-up: "inLen >= S->Fs_in_kHz" in
// silk/resampler.c, from two threads mixing one meeting). The owner is whoever holds the mixer's frame
// (AudioMixer's busy flag). As a last line, a call overlapping another returns Busy without entering
// libopus, and every argument is checked against what libopus accepts, so nothing we pass can be UB.
internal sealed unsafe class OpusDecoder : IDisposable
{
    // libopus error codes (opus_defines.h), also returned by the checks below.
    public const int BadArgument = -1;
    public const int BufferTooSmall = -2;
    public const int Disposed = -6;   // OPUS_INVALID_STATE

    // Ours, outside libopus' range: another thread was inside this decoder.
    public const int Busy = -100;

    // opus_decode's frame_size must be a multiple of 2.5 ms at 48 kHz (PLC and FEC reject others).
    private const int FrameSizeStep = MixFormat.SampleRate / 400;

    private readonly OpusDecoderHandle _handle;
    private int _inUse;

    public OpusDecoder()
    {
        _handle = Native.DecoderCreate(MixFormat.SampleRate, 1, out var error);
        if (error != Native.Ok || _handle.IsInvalid)
            throw new InvalidOperationException($"opus_decoder_create failed ({error}).");
    }

    // Samples decoded into pcm, or a negative error (a corrupt packet: counted, concealed).
    public int Decode(ReadOnlySpan<byte> packet, Span<float> pcm)
    {
        // An empty packet is libopus' PLC request, which would conceal the whole buffer (120 ms).
        if (packet.IsEmpty)
            return BadArgument;
        return Call(packet, pcm, Math.Min(pcm.Length, MixFormat.MaxPacketSamples), decodeFec: 0);
    }

    // The frame before `next`, rebuilt from next's in-band FEC; plain concealment when it carries none.
    public int DecodeFec(ReadOnlySpan<byte> next, Span<float> pcm) =>
        next.IsEmpty ? BadArgument : Call(next, pcm, MixFormat.FrameSamples, decodeFec: 1);

    // Packet loss concealment for one frame.
    public int Conceal(Span<float> pcm) => Call([], pcm, MixFormat.FrameSamples, decodeFec: 0);

    public void Reset()
    {
        if (_handle.IsClosed || !Enter())
            return;
        try
        {
            Native.DecoderCtl(_handle, Native.ResetStateRequest);
        }
        catch (ObjectDisposedException)
        {
            // Disposed meanwhile: nothing left to reset.
        }
        finally
        {
            Exit();
        }
    }

    public void Dispose()
    {
        // SafeHandle defers opus_decoder_destroy until a call in flight has returned.
        _handle.Dispose();
    }

    private int Call(ReadOnlySpan<byte> packet, Span<float> pcm, int frameSize, int decodeFec)
    {
        frameSize = Math.Min(frameSize, pcm.Length) / FrameSizeStep * FrameSizeStep;
        if (frameSize < FrameSizeStep || (decodeFec == 1 || packet.IsEmpty) && frameSize < MixFormat.FrameSamples)
            return BufferTooSmall;
        if (_handle.IsClosed)
            return Disposed;
        if (!Enter())
            return Busy;
        try
        {
            fixed (byte* data = packet)
            fixed (float* output = pcm)
                return Native.DecodeFloat(_handle, packet.IsEmpty ? null : data, packet.Length, output, frameSize, decodeFec);
        }
        catch (ObjectDisposedException)
        {
            // Disposed between the check and the call: the SafeHandle refused it, libopus never saw it.
            return Disposed;
        }
        finally
        {
            Exit();
        }
    }

    private bool Enter() => Interlocked.CompareExchange(ref _inUse, 1, 0) == 0;

    private void Exit() => Volatile.Write(ref _inUse, 0);
}

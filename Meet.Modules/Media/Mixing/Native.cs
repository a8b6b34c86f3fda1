using System.Runtime.InteropServices;

namespace Meet.Modules.Media.Mixing;

// Debian's libopus0 (the reference Opus codec, with its SIMD paths). Chosen over the Concentus port
// because it encodes and decodes several times faster on this machine (README "Audio mixing"), and the
// mixer's cost per meeting is codec time. Calls run on the mixer's worker threads, never on the packet
// path, so the GC transition stays (a decode or encode takes tens of microseconds; the transition 15 ns).
internal static unsafe partial class Native
{
    private const string LibOpus = "libopus.so.0";

    public const int Ok = 0;
    public const int ApplicationVoip = 2048;
    public const int SetBitrateRequest = 4002;
    public const int SetComplexityRequest = 4010;
    public const int SetInbandFecRequest = 4012;
    public const int SetPacketLossPercRequest = 4014;
    public const int SetSignalRequest = 4024;
    public const int SignalVoice = 3001;
    public const int ResetStateRequest = 4028;

    public static bool IsAvailable { get; } = Probe();

    [LibraryImport(LibOpus, EntryPoint = "opus_decoder_create")]
    public static partial OpusDecoderHandle DecoderCreate(int sampleRate, int channels, out int error);

    [LibraryImport(LibOpus, EntryPoint = "opus_decoder_destroy")]
    public static partial void DecoderDestroy(nint decoder);

    // data null + length 0 asks for packet loss concealment; decodeFec 1 recovers the frame *before*
    // `data` from its in-band FEC (RFC 6716 §2.1.7).
    [LibraryImport(LibOpus, EntryPoint = "opus_decode_float")]
    public static partial int DecodeFloat(OpusDecoderHandle decoder, byte* data, int length, float* pcm, int frameSize, int decodeFec);

    // The ctl entry points are variadic in C. On x86-64 System V and AArch64 Linux a variadic callee
    // reads integer arguments from the same registers as a fixed-argument one, so a fixed signature
    // per request shape is a correct binding there (the only targets Meet ships for).
    [LibraryImport(LibOpus, EntryPoint = "opus_decoder_ctl")]
    public static partial int DecoderCtl(OpusDecoderHandle decoder, int request);

    [LibraryImport(LibOpus, EntryPoint = "opus_encoder_create")]
    public static partial OpusEncoderHandle EncoderCreate(int sampleRate, int channels, int application, out int error);

    [LibraryImport(LibOpus, EntryPoint = "opus_encoder_destroy")]
    public static partial void EncoderDestroy(nint encoder);

    [LibraryImport(LibOpus, EntryPoint = "opus_encode_float")]
    public static partial int EncodeFloat(OpusEncoderHandle encoder, float* pcm, int frameSize, byte* data, int maxDataBytes);

    [LibraryImport(LibOpus, EntryPoint = "opus_encoder_ctl")]
    public static partial int EncoderCtl(OpusEncoderHandle encoder, int request, int value);

    [LibraryImport(LibOpus, EntryPoint = "opus_encoder_ctl")]
    public static partial int EncoderCtl(OpusEncoderHandle encoder, int request);

    // The calling thread's CPU time (clock_gettime(CLOCK_THREAD_CPUTIME_ID)), in nanoseconds; -1 if the
    // clock is unavailable. The mixer's own cost per frame: unlike wall time it does not grow while the
    // thread waits for a core, so a machine busy with other work does not look like an expensive mix.
    public static long ThreadCpuNanoseconds()
    {
        Timespec now;
        return ClockGetTime(ClockThreadCpuTime, &now) == 0 ? now.Seconds * 1_000_000_000 + now.Nanoseconds : -1;
    }

    // "libc" alone would make the loader try libc.so, which on glibc systems is a linker script.
    private const string LibC = "libc.so.6";
    private const int ClockThreadCpuTime = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport(LibC, EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, Timespec* time);

    private static bool Probe()
    {
        try
        {
            return NativeLibrary.TryLoad(LibOpus, out _);
        }
        catch (DllNotFoundException)
        {
            return false;
        }
    }
}

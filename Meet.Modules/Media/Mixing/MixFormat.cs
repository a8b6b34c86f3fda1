namespace Meet.Modules.Media.Mixing;

// The mixer's one format: Opus at 48 kHz mono, 20 ms frames (RFC 7587 §4: the RTP clock is always
// 48 kHz). Publishers' stereo Opus decodes to mono; speech needs no more.
internal static class MixFormat
{
    public const int SampleRate = 48000;
    public const int FrameSamples = 960;
    public const int FrameMilliseconds = 20;

    // One frame in Stopwatch ticks: the mixer clock's period.
    public static readonly long FramePeriodTicks = System.Diagnostics.Stopwatch.Frequency * FrameMilliseconds / 1000;

    // The longest Opus packet decodes to 120 ms (RFC 6716 §3.2.5).
    public const int MaxPacketSamples = 5760;

    // RFC 6716 §3.2.1: a frame is at most 1275 bytes; one packet of several frames stays under an MTU.
    public const int MaxPacketBytes = 1500;

    // An encoded mix frame: 32 kbit/s is ~80 bytes per 20 ms; the encoder is capped well above it.
    public const int MaxEncodedBytes = 400;
}

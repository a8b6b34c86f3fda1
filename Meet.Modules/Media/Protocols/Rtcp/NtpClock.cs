namespace Meet.Modules.Media.Protocols.Rtcp;

// Wall-clock time in NTP format (RFC 3550 §4): sender reports carry it, and the RTT from a receiver
// report's LSR/DLSR is computed against its middle 32 bits (§6.4.1), so both must read the same clock.
public static class NtpClock
{
    private static readonly DateTime Epoch = new(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    // 32.32 fixed point seconds since 1900-01-01.
    public static ulong Now()
    {
        var since1900 = DateTime.UtcNow - Epoch;
        var seconds = (ulong)since1900.Ticks / TimeSpan.TicksPerSecond;
        var fraction = (ulong)(since1900.Ticks % TimeSpan.TicksPerSecond) * (1UL << 32) / TimeSpan.TicksPerSecond;
        return (seconds << 32) | fraction;
    }

    // The middle 32 bits (16.16), in 1/65536 s: the unit of LSR and DLSR.
    public static uint CompactNow() => (uint)(Now() >> 16);
}

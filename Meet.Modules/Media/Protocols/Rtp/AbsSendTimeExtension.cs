namespace Meet.Modules.Media.Protocols.Rtp;

// abs-send-time (webrtc.org experiment): 24 bits, the send time in seconds as 6.18 fixed point,
// wrapping every 64 s. REMB bandwidth estimation reads inter-arrival deltas from it.
public static class AbsSendTimeExtension
{
    public const int Size = 3;
    public const int FractionBits = 18;

    public static bool TryRead(ReadOnlySpan<byte> value, out uint sendTime)
    {
        if (value.Length < Size)
        {
            sendTime = 0;
            return false;
        }
        sendTime = (uint)(value[0] << 16 | value[1] << 8 | value[2]);
        return true;
    }

    public static bool TryWrite(uint sendTime, Span<byte> destination, out int written)
    {
        written = 0;
        if (sendTime > 0xFF_FFFF || destination.Length < Size)
            return false;
        destination[0] = (byte)(sendTime >> 16);
        destination[1] = (byte)(sendTime >> 8);
        destination[2] = (byte)sendTime;
        written = Size;
        return true;
    }

    // Seconds → 6.18 fixed point, modulo 64 s.
    public static uint FromTimeSpan(TimeSpan time) =>
        (uint)((ulong)(time.Ticks * (1L << FractionBits) / TimeSpan.TicksPerSecond) & 0xFF_FFFF);

    public static TimeSpan ToTimeSpan(uint sendTime) =>
        TimeSpan.FromTicks((long)(sendTime & 0xFF_FFFF) * TimeSpan.TicksPerSecond >> FractionBits);
}

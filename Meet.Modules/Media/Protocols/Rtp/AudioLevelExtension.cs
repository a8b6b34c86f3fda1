namespace Meet.Modules.Media.Protocols.Rtp;

// RFC 6464 §3, the client-to-mixer audio level, one byte:
//  0 1 2 3 4 5 6 7
// +-+-+-+-+-+-+-+-+
// |V|    level    |   V = voice activity; level = 0..127, in −dBov (0 loudest, 127 silence)
// +-+-+-+-+-+-+-+-+
// Chrome sends it in a one-byte element with len field 0; some senders use len 1 with padding,
// so only the first byte is read.
public static class AudioLevelExtension
{
    public const int Size = 1;

    public static bool TryRead(ReadOnlySpan<byte> value, out bool voiceActivity, out byte level)
    {
        if (value.IsEmpty)
        {
            voiceActivity = false;
            level = 0;
            return false;
        }
        voiceActivity = (value[0] & 0x80) != 0;
        level = (byte)(value[0] & 0x7F);
        return true;
    }

    public static bool TryWrite(bool voiceActivity, byte level, Span<byte> destination, out int written)
    {
        written = 0;
        if (level > 127 || destination.IsEmpty)
            return false;
        destination[0] = (byte)((voiceActivity ? 0x80 : 0) | level);
        written = Size;
        return true;
    }
}

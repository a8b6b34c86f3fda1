namespace Meet.Modules.Client.Media;

// Splits one VP8 frame into RTP payloads (RFC 7741 §4): each starts with the 1-byte payload
// descriptor (X=0, N=0, S=1 only on the first packet, PID=0), followed by a slice of the frame.
public static class Vp8Packetizer
{
    public const int DescriptorSize = 1;

    public static int GetPacketCount(int frameLength, int maxPayloadSize) =>
        Math.Max(1, (frameLength + maxPayloadSize - DescriptorSize - 1) / (maxPayloadSize - DescriptorSize));

    // Writes payload `index` of the frame into destination; returns its length (0 when it does not fit).
    public static int WritePayload(ReadOnlySpan<byte> frame, int index, int maxPayloadSize, Span<byte> destination)
    {
        var chunk = maxPayloadSize - DescriptorSize;
        var start = index * chunk;
        if (chunk <= 0 || start > frame.Length || (start == frame.Length && frame.Length != 0))
            return 0;
        var length = Math.Min(chunk, frame.Length - start);
        if (destination.Length < length + DescriptorSize)
            return 0;
        destination[0] = index == 0 ? (byte)0x10 : (byte)0x00;
        frame.Slice(start, length).CopyTo(destination[DescriptorSize..]);
        return length + DescriptorSize;
    }
}

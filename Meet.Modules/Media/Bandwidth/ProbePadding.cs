using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Modules.Media.Bandwidth;

// A padding-only RTP packet for a probe cluster (RFC 3550 §5.1 P bit; sent on the RTX stream as libwebrtc
// does, RFC 4588 allows padding there): no payload, so the receiver decodes nothing, but it carries the
// transport-wide sequence element, so the subscriber's transport-cc feedback reports its arrival.
internal static class ProbePadding
{
    public const int MaxPadding = 255;

    // Header, one-byte extension block with the 2-byte transport-wide element, and the padding.
    public const int MaxPacketSize = RtpHeader.FixedSize + 8 + MaxPadding;

    public static bool TryWrite(Span<byte> buffer, byte payloadType, ushort sequenceNumber, uint timestamp, uint ssrc,
        int paddingLength, out int written)
    {
        var writer = new RtpPacketWriter(buffer, payloadType, sequenceNumber, timestamp, ssrc);
        writer.AddExtension(TransportSequenceStamper.SubscriberExtensionId, [0, 0]);
        return writer.TryComplete([], Math.Clamp(paddingLength, 1, MaxPadding), out written);
    }
}

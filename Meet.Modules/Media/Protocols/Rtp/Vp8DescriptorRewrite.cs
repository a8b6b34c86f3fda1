namespace Meet.Modules.Media.Protocols.Rtp;

// New picture id / TL0PICIDX for one forwarded VP8 packet, applied to its copy in the send slot (the
// original stays untouched for the other subscribers). PayloadOffset 0 = nothing to rewrite.
public readonly struct Vp8DescriptorRewrite(Vp8PayloadDescriptor descriptor, int payloadOffset, int pictureId, int tl0PicIdx)
{
    public int PayloadOffset { get; } = payloadOffset;

    public bool TryApply(Span<byte> packet) =>
        PayloadOffset <= 0 || (PayloadOffset < packet.Length && descriptor.TryRewrite(packet[PayloadOffset..], pictureId, tl0PicIdx));
}

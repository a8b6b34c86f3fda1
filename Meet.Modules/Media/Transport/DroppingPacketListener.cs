using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Modules.Media.Transport;

// A transport's packet listener until its owner attaches the real one: media is a counted drop.
internal sealed class DroppingPacketListener(MediaCounters counters) : IRtpPacketListener
{
    public void OnRtp(Span<byte> packet, in RtpHeader header, MediaSender sender, long receivedAt) => counters.Drop(MediaDropReason.UnknownSsrc);

    public void OnRtcp(ReadOnlySpan<byte> compound, MediaSender sender) => counters.Drop(MediaDropReason.UnknownSsrc);
}

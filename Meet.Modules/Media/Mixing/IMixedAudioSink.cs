using Meet.Modules.Media.Transport;

namespace Meet.Modules.Media.Mixing;

// Where a listener's mixed packets go: its subscriber transport, which protects each with the
// listener's own SRTP context into the sending thread's batch.
internal interface IMixedAudioSink
{
    bool SendRtpPacket(ReadOnlySpan<byte> rtp, MediaSender sender);

    // The mixed stream's RTCP sender reports, protected with the listener's SRTCP context.
    bool SendRtcp(ReadOnlySpan<byte> rtcp, MediaSender sender);
}

using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Modules.Media.Transport;

// Where a transport hands its decrypted media: on a publisher transport the routing table of its
// producers (Routing/RtpListener), on a subscriber transport the feedback for its consumers
// (Routing/ConsumerFeedbackListener). Called on the engine's receive thread for every packet: must
// not throw, block or allocate; anything sent goes into `sender`'s batch, which the receive loop flushes.
// receivedAt: when the datagram arrived (Stopwatch ticks, the kernel's time where the engine has it), 0
// when unknown.
internal interface IRtpPacketListener
{
    void OnRtp(Span<byte> packet, in RtpHeader header, MediaSender sender, long receivedAt);

    void OnRtcp(ReadOnlySpan<byte> compound, MediaSender sender);
}

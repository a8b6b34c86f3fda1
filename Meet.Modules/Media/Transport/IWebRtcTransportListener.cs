using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Modules.Media.Transport;

// Events from a transport up to its owner (mediasoup's Transport::Listener): decrypted media and
// connection changes. Called on engine or DTLS threads; must not throw.
internal interface IWebRtcTransportListener
{
    void OnRtp(WebRtcTransport transport, Span<byte> packet, in RtpHeader header, MediaSender sender);

    void OnRtcp(WebRtcTransport transport, ReadOnlySpan<byte> compound, MediaSender sender);

    void OnTransportStateChanged(WebRtcTransport transport, MediaConnectionState state);
}

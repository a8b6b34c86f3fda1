namespace Meet.Modules.Media.Transport;

// Connection changes of a transport, up to the session that negotiated it (mediasoup's
// Transport::Listener). Media goes elsewhere (IRtpPacketListener), so packets never pass through the
// session. Called on engine or DTLS threads; must not throw.
internal interface IWebRtcTransportListener
{
    void OnTransportStateChanged(WebRtcTransport transport, MediaConnectionState state);
}

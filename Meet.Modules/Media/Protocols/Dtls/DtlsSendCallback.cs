namespace Meet.Modules.Media.Protocols.Dtls;

// Hands one outgoing DTLS datagram to the packet engine. The span is only valid during the call.
public delegate void DtlsSendCallback(ReadOnlySpan<byte> datagram);

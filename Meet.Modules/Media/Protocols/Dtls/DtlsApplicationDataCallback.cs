namespace Meet.Modules.Media.Protocols.Dtls;

// Delivers one decrypted application-data record (SCTP for data channels). The span is only valid during the call.
public delegate void DtlsApplicationDataCallback(ReadOnlySpan<byte> data);

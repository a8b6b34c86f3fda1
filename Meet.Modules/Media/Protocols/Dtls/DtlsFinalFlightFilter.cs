namespace Meet.Modules.Media.Protocols.Dtls;

// What a WebRTC transport still hands its DTLS endpoint once keys are agreed. The transport carries no
// data channel, and records spoofed from the peer's address (a ClientHello, ChangeCipherSpec, an alert,
// garbage with a valid-looking header) could make the DTLS library end the association (issue 16's
// hostile-media test). The one thing still needed is the peer's retransmission of its final flight
// (RFC 6347 §4.2.4): when our last flight (ChangeCipherSpec + Finished) is lost, the client sends its
// whole last flight again — Certificate, ClientKeyExchange and CertificateVerify at epoch 0, Finished at
// epoch 1 — and the library answers with ours only once it has reassembled ALL of it again. Keeping
// only the epoch-1 Finished (as before) meant a lost final flight was never resent and the call got no
// media at all (found by LossRecoveryTests under 10 % loss).
internal static class DtlsFinalFlightFilter
{
    // The handshake records of the datagram (records are back to back, RFC 6347 §4.1), without a new
    // association's ClientHello; rare after the handshake, so the copy is fine.
    public static byte[] KeepFinalFlight(ReadOnlySpan<byte> datagram)
    {
        var kept = new List<byte>(datagram.Length);
        while (DtlsRecordHeader.TryParse(datagram, out var header))
        {
            var record = datagram[..(DtlsRecordHeader.Size + header.Length)];
            if (header.ContentType == DtlsRecordHeader.HandshakeContentType && !DtlsRecordHeader.IsClientHello(record))
                kept.AddRange(record);
            datagram = datagram[record.Length..];
        }
        return kept.ToArray();
    }
}

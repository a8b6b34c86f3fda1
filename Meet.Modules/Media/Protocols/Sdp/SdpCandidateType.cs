namespace Meet.Modules.Media.Protocols.Sdp;

// RFC 8445 §5.1.1; "typ host|srflx|prflx|relay" on the wire (RFC 8839 §5.1).
public enum SdpCandidateType
{
    Host,
    ServerReflexive,
    PeerReflexive,
    Relay,
}

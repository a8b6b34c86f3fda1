namespace Meet.Modules.Media.Protocols.Sdp;

// a=setup (RFC 4145 §4, RFC 8842 §5.1): the offerer says actpass; the answerer picks active (DTLS client)
// or passive (DTLS server). An ICE-lite SFU answers passive.
public enum SdpSetupRole
{
    ActPass,
    Active,
    Passive,
    HoldConn,
}

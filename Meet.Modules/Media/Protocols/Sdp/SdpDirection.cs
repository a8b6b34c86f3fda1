namespace Meet.Modules.Media.Protocols.Sdp;

// RFC 8866 §6.7; also the optional direction of a=extmap (RFC 8285 §8).
public enum SdpDirection
{
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}

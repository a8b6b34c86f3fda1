namespace Meet.Modules.Media.Protocols.Sdp;

public enum SdpRidDirection
{
    Send,
    Recv,
}

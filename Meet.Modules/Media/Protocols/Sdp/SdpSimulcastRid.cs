namespace Meet.Modules.Media.Protocols.Sdp;

// One rid in an a=simulcast stream list; "~rid" marks it paused (RFC 8853 §5.1).
public sealed record SdpSimulcastRid(string Rid, bool Paused = false)
{
    public override string ToString() => Paused ? "~" + Rid : Rid;
}

namespace Meet.Modules.Media.Protocols.Sdp;

// An attribute this parser has no typed form for (a=rtcp-xr, a=sctpmap, a=x-google-flag...), kept in
// document order so re-serialisation does not lose it. Value is null for a property attribute ("a=name").
public sealed record SdpAttribute(string Name, string? Value = null)
{
    public override string ToString() => Value is null ? Name : Name + ":" + Value;
}

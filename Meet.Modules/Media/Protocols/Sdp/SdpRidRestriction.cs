namespace Meet.Modules.Media.Protocols.Sdp;

// One "name=value" of an a=rid line (RFC 8851 §4), e.g. pt=96,97 or max-width=1280. Value is null for a
// bare name.
public sealed record SdpRidRestriction(string Name, string? Value)
{
    public override string ToString() => Value is null ? Name : Name + "=" + Value;
}

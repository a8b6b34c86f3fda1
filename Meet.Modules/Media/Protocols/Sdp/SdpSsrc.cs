namespace Meet.Modules.Media.Protocols.Sdp;

// a=ssrc:<ssrc> <attribute>[:<value>] (RFC 5576 §4.1), e.g. "3981594195 cname:lVb12JQ2weSlKJ/R".
public sealed record SdpSsrc(uint Ssrc, string Attribute, string? Value = null)
{
    public override string ToString() => Value is null ? $"{Ssrc} {Attribute}" : $"{Ssrc} {Attribute}:{Value}";

    internal static bool TryParse(string value, out SdpSsrc? ssrc)
    {
        ssrc = null;
        var (id, rest) = SdpText.SplitFirst(value);
        var (attribute, attributeValue) = SdpText.SplitAttribute(rest);
        if (!SdpText.TryUInt(id, out uint parsed) || attribute.Length == 0)
        {
            return false;
        }

        ssrc = new SdpSsrc(parsed, attribute, attributeValue);
        return true;
    }
}

namespace Meet.Modules.Media.Protocols.Sdp;

// a=group:<semantics> <mid>... (RFC 5888 §5); BUNDLE (RFC 8843) lists the mids sharing one transport.
public sealed record SdpGroup(string Semantics, IReadOnlyList<string> Mids)
{
    public override string ToString() => Mids.Count == 0 ? Semantics : Semantics + " " + string.Join(' ', Mids);

    internal static bool TryParse(string value, out SdpGroup? group)
    {
        group = null;
        string[] t = SdpText.Tokens(value);
        if (t.Length == 0)
        {
            return false;
        }

        group = new SdpGroup(t[0], t[1..]);
        return true;
    }
}

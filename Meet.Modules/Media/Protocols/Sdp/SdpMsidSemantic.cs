namespace Meet.Modules.Media.Protocols.Sdp;

// a=msid-semantic: WMS [stream ids] — a leftover of the msid draft that Chrome still emits (with a space
// after the colon); the writer reproduces Chrome's form so its documents round-trip line for line.
public sealed record SdpMsidSemantic(string Semantic, IReadOnlyList<string> Ids)
{
    public override string ToString() => " " + (Ids.Count == 0 ? Semantic : Semantic + " " + string.Join(' ', Ids));

    internal static bool TryParse(string value, out SdpMsidSemantic? semantic)
    {
        semantic = null;
        string[] t = SdpText.Tokens(value);
        if (t.Length == 0)
        {
            return false;
        }

        semantic = new SdpMsidSemantic(t[0], t[1..]);
        return true;
    }
}

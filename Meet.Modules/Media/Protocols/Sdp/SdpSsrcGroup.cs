namespace Meet.Modules.Media.Protocols.Sdp;

// a=ssrc-group:<semantics> <ssrc>... (RFC 5576 §4.2): FID pairs a stream with its RTX (RFC 4588),
// SIM lists legacy (pre-RID) simulcast layers.
public sealed record SdpSsrcGroup(string Semantics, IReadOnlyList<uint> Ssrcs)
{
    public override string ToString() => Semantics + " " + string.Join(' ', Ssrcs.Select(s => SdpText.Format(s)));

    internal static bool TryParse(string value, out SdpSsrcGroup? group)
    {
        group = null;
        string[] t = SdpText.Tokens(value);
        if (t.Length < 2)
        {
            return false;
        }

        var ssrcs = new uint[t.Length - 1];
        for (int i = 1; i < t.Length; i++)
        {
            if (!SdpText.TryUInt(t[i], out ssrcs[i - 1]))
            {
                return false;
            }
        }

        group = new SdpSsrcGroup(t[0], ssrcs);
        return true;
    }
}

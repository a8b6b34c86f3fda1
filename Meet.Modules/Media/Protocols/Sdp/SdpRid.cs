namespace Meet.Modules.Media.Protocols.Sdp;

// a=rid:<rid-id> <send|recv> [pt=<fmt>,...;][<restriction>=<value>;...] (RFC 8851 §10).
public sealed record SdpRid(string Id, SdpRidDirection Direction, IReadOnlyList<SdpRidRestriction> Restrictions)
{
    public SdpRid(string id, SdpRidDirection direction)
        : this(id, direction, [])
    {
    }

    // The payload types this RID may use (the "pt" restriction); empty means any of the m-line's.
    public IReadOnlyList<int> PayloadTypes =>
        Restrictions.FirstOrDefault(r => r.Name == "pt")?.Value?.Split(',')
            .Select(p => SdpText.TryInt(p, 0, 127, out int pt) ? pt : -1).Where(pt => pt >= 0).ToArray() ?? [];

    public override string ToString()
    {
        string head = Id + " " + (Direction == SdpRidDirection.Send ? "send" : "recv");
        return Restrictions.Count == 0 ? head : head + " " + string.Join(';', Restrictions);
    }

    internal static bool TryParse(string value, out SdpRid? rid)
    {
        rid = null;
        var (id, rest) = SdpText.SplitFirst(value);
        var (direction, parameters) = SdpText.SplitFirst(rest);
        // RFC 8851 §10: rid-id is 1*(alpha-numeric / "-" / "_").
        if (id.Length == 0 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return false;
        }

        SdpRidDirection parsedDirection;
        if (direction == "send")
        {
            parsedDirection = SdpRidDirection.Send;
        }
        else if (direction == "recv")
        {
            parsedDirection = SdpRidDirection.Recv;
        }
        else
        {
            return false;
        }

        var restrictions = new List<SdpRidRestriction>();
        foreach (string item in parameters.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = item.IndexOf('=');
            string name = eq < 0 ? item : item[..eq];
            if (!SdpText.IsToken(name))
            {
                return false;
            }

            restrictions.Add(new SdpRidRestriction(name, eq < 0 ? null : item[(eq + 1)..]));
        }

        rid = new SdpRid(id, parsedDirection, restrictions);
        return true;
    }
}

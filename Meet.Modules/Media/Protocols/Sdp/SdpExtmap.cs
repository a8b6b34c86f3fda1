namespace Meet.Modules.Media.Protocols.Sdp;

// a=extmap:<id>[/<direction>] <uri> [<extension attributes>] (RFC 8285 §8). Ids 1-14 fit the one-byte
// header form, 1-255 the two-byte form; a=extmap-allow-mixed lets one packet use both.
public sealed record SdpExtmap(int Id, string Uri, SdpDirection? Direction = null, string? Attributes = null)
{
    public override string ToString()
    {
        string id = Direction is { } d ? $"{Id}/{d.ToText()}" : SdpText.Format(Id);
        return Attributes is null ? $"{id} {Uri}" : $"{id} {Uri} {Attributes}";
    }

    internal static bool TryParse(string value, out SdpExtmap? extmap)
    {
        extmap = null;
        var (head, rest) = SdpText.SplitFirst(value);
        var (uri, attributes) = SdpText.SplitFirst(rest);
        if (uri.Length == 0)
        {
            return false;
        }

        int slash = head.IndexOf('/');
        SdpDirection? direction = null;
        if (slash >= 0)
        {
            if (!SdpEnums.TryParseDirection(head[(slash + 1)..], out SdpDirection parsed))
            {
                return false;
            }

            direction = parsed;
            head = head[..slash];
        }

        if (!SdpText.TryInt(head, 1, 255, out int id))
        {
            return false;
        }

        extmap = new SdpExtmap(id, uri, direction, attributes.Length == 0 ? null : attributes);
        return true;
    }
}
